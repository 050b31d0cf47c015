// Records what Segment's own engine (actions-core 3.170.0, installed by ../../../../shared/peer/setup.sh or
// $PEER_DIR) does with payload/settings validation cases: JSON lines in on stdin, JSON lines out.
//   {"id", "kind": "payload", "fields", "payload", "batch"} -> {"id", "ok": payload} | {"id", "errors": [...]}
//   {"id", "kind": "settings", "fields", "settings"}         -> same
//   {"id", "kind": "schema", "fields"}                         -> {"id", "ok": fieldsToJsonSchema(fields)}
//   {"id", "kind": "date_like", "text"}                        -> {"id", "ok": true|false}
const path = require('path')
const readline = require('readline')
const peer = process.env.PEER_DIR || '/tmp/segment-peer'
const core = path.join(peer, 'node_modules/@segment/actions-core/dist/cjs')
const { fieldsToJsonSchema } = require(path.join(core, 'index.js'))
const { validateSchema } = require(path.join(core, 'schema-validation.js'))
const { removeEmptyValues } = require(path.join(core, 'remove-empty-values.js'))
const { validateSchema: validateAny } = require(path.join(core, 'schema-validation.js'))

function dateLike(text) {
  // Segment's own format check, through a datetime field: no error means the text is date-like.
  const schema = fieldsToJsonSchema({ d: { label: 'D', type: 'datetime' } })
  return validateAny({ d: text }, schema, { throwIfInvalid: false })
}

function run(c) {
  if (c.kind === 'date_like') return { ok: dateLike(c.text) }
  const schema = fieldsToJsonSchema(c.fields)
  if (c.kind === 'schema') return { ok: schema }
  let value = c.kind === 'settings' ? c.settings : removeEmptyValues(c.payload, schema, !c.batch)
  try {
    validateSchema(value, schema, { exempt: c.kind === 'settings' ? ['dynamicAuthSettings'] : [] })
    return { ok: value }
  } catch (e) {
    if (!e.errors) return { crash: String(e) }
    return { errors: e.errors.map((x) => x.message) }
  }
}

;(async () => {
  const rl = readline.createInterface({ input: process.stdin })
  for await (const line of rl) {
    if (!line.trim()) continue
    const c = JSON.parse(line)
    process.stdout.write(JSON.stringify({ id: c.id, ...run(c) }) + '\n')
  }
})()
