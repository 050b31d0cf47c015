// Segment's steady-state speed (JIT warmed up, best of 3 rounds) on bench_segment.js's events:
// `validate` of each FQL trigger given, and `transform` of a mapping file.
// usage (NODE_PATH pointing at the peer's node_modules):
//   node segment_steady.js --n 1000000 [--mapping FILE.json] name1 'fql 1' name2 'fql 2'
// Prints JSON lines: {"bench": name, "events_per_s": x, "n": n, "matched": per 1000 events}.
const fs = require('fs')
const { parseFql, validate } = require('@segment/destination-subscriptions')
const { transform } = require('@segment/actions-core')

const args = process.argv.slice(2)
const option = (key, fallback) => { const i = args.indexOf(key); return i >= 0 ? args.splice(i, 2)[1] : fallback }
const N = Number(option('--n', '1000000'))
const mappingFile = option('--mapping', null)
const events = []
for (let i = 0; i < 1000; i++) events.push({ type: 'identify', userId: 'u' + i, messageId: 'm' + i,
  traits: { email: `user${i}@example.com`, first_name: 'First' + i, last_name: 'Last', phone: '+1 555 0100',
    company: 'Acme', title: 'CTO', website: 'https://example.com', address: { city: 'Paris', state: 'CA', postal_code: '94107', country: 'FR' } } })
const now = () => Number(process.hrtime.bigint()) / 1e9

function best(n, body) {
  for (let i = 0; i < Math.min(n, 100000); i++) body(i) // warm up the JIT
  let top = 0
  for (let round = 0; round < 3; round++) {
    const t = now()
    for (let i = 0; i < n; i++) body(i)
    top = Math.max(top, n / (now() - t))
  }
  return Math.round(top)
}

for (let k = 0; k + 1 < args.length; k += 2) {
  const ast = parseFql(args[k + 1])
  if (ast.error) { console.log(JSON.stringify({ bench: args[k], error: ast.error.message })); continue }
  let matched = 0
  for (let i = 0; i < 1000; i++) if (validate(ast, events[i])) matched++
  const speed = best(N, (i) => validate(ast, events[i % 1000]))
  console.log(JSON.stringify({ bench: args[k], events_per_s: speed, n: N, matched }))
}
if (mappingFile) {
  const mapping = JSON.parse(fs.readFileSync(mappingFile, 'utf8'))
  const n = Math.max(1000, Math.round(N / 50))
  console.log(JSON.stringify({ bench: 'segment.transform_steady', events_per_s: best(n, (i) => transform(mapping, events[i % 1000])), n }))
}
