// Records what Segment's own engine sends for a destination's destination-level calls, which
// segment_peer.js (events only) cannot drive: createAudience, getAudience and onDelete.
// JSON lines in on stdin, JSON lines out; Segment's engine is found under $PEER_DIR (default /tmp/segment-peer).
//   {"id", "destination": DIR, "call": "createAudience", "settings", "audienceName", "audienceSettings"?, "personas"?, "replies"}
//   {"id", "destination": DIR, "call": "getAudience", "settings", "externalId", "audienceSettings"?, "replies"}
//   {"id", "destination": DIR, "call": "onDelete", "settings", "event", "replies"}
//   -> {"id", "requests": [{method, url, headers, body}], "result": {...}} | {"id", "requests", "error": {name, message, status, code}}
// Every host and method is intercepted and answered from `replies` in order (default 200 {}), as segment_peer.js does.
const path = require('path')
const readline = require('readline')
const { createRequire } = require('module')
const peer = process.env.PEER_DIR || '/tmp/segment-peer'
const peerRequire = createRequire(path.join(peer, 'package.json'))
const nock = peerRequire('nock')
const { Destination } = peerRequire('@segment/actions-core')
const destinationOf = (dir) => peerRequire(`@segment/action-destinations/dist/destinations/${dir}`).default

const DROPPED = ['host', 'content-length', 'user-agent', 'accept-encoding', 'connection']

function errorOf(e) {
  return { name: e.name || e.constructor.name, message: e.message, status: e.status ?? e.response?.status, code: e.code }
}

function intercept(replies, requests) {
  nock.cleanAll()
  nock.disableNetConnect()
  const scope = nock(/.*/).persist()
  for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE']) scope.intercept(/.*/, method).reply(function (uri, body) {
    const r = replies.length ? replies.shift() : { status: 200, body: {} }
    const headers = {}
    for (const [k, v] of Object.entries(this.req.headers)) if (!DROPPED.includes(k)) headers[k] = v
    const o = this.req.options || {}
    const host = o.hostname || o.host || this.req.headers.host
    requests.push({ method: this.req.method, url: `${(o.protocol || 'https:').replace(/:?$/, ':')}//${host}${uri}`, headers, body: body === '' || body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body) })
    return [r.status, typeof r.body === 'string' ? r.body : JSON.stringify(r.body), r.headers || { 'content-type': 'application/json' }]
  })
}

async function call(dest, c) {
  if (c.call === 'createAudience') {
    return dest.createAudience({ settings: c.settings, audienceName: c.audienceName, audienceSettings: c.audienceSettings, personas: c.personas })
  }
  if (c.call === 'getAudience') {
    return dest.getAudience({ settings: c.settings, externalId: c.externalId, audienceSettings: c.audienceSettings })
  }
  if (c.call === 'onDelete') {
    const answer = await dest.onDelete(c.event, c.settings)
    return answer && answer.status !== undefined ? { status: answer.status } : answer
  }
  throw new Error('unknown call ' + c.call)
}

async function run(c) {
  const requests = []
  intercept([...(c.replies || [])], requests)
  const dest = new Destination(destinationOf(c.destination))
  try {
    return { requests, result: await call(dest, c) }
  } catch (e) {
    return { requests, error: errorOf(e) }
  }
}

;(async () => {
  const rl = readline.createInterface({ input: process.stdin })
  for await (const line of rl) {
    if (!line.trim()) continue
    const c = JSON.parse(line)
    process.stdout.write(JSON.stringify({ id: c.id, ...(await run(c)) }) + '\n')
  }
})()
