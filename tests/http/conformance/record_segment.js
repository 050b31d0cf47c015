// Records the HTTP requests Segment's own request client (actions-core 3.170.0 createRequestClient, from
// $PEER_DIR or /tmp/segment-peer) sends for each case: JSON lines in on stdin, JSON lines out.
//   {"id", "layers": [options...], "url": "/path?q", "call": options}
// In options, a header set to null means undefined (delete it) and "form" means body: URLSearchParams.
const http = require('http')
const path = require('path')
const readline = require('readline')
const peer = process.env.PEER_DIR || '/tmp/segment-peer'
const { createRequestClient } = require(path.join(peer, 'node_modules/@segment/actions-core/dist/cjs/index.js'))

function toSegment(options) {
  const out = { ...options }
  if (out.headers) {
    out.headers = Object.fromEntries(Object.entries(out.headers).map(([k, v]) => [k, v === null ? undefined : v]))
  }
  if (out.form) {
    out.body = new URLSearchParams(out.form)
    delete out.form
  }
  return out
}

function shown(headers) {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k === 'content-type' || k === 'authorization' || k.startsWith('x-')))
}

;(async () => {
  let captured
  const server = http.createServer((req, res) => {
    let body = ''
    req.on('data', (chunk) => (body += chunk))
    req.on('end', () => {
      captured = { method: req.method, url: req.url, headers: shown(req.headers), body }
      res.setHeader('content-type', 'application/json')
      res.end('{}')
    })
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  const origin = `http://127.0.0.1:${server.address().port}`
  const rl = readline.createInterface({ input: process.stdin })
  for await (const line of rl) {
    if (!line.trim()) continue
    const c = JSON.parse(line)
    captured = undefined
    try {
      const request = createRequestClient(...c.layers.map(toSegment))
      await request(origin + c.url, toSegment(c.call))
      process.stdout.write(JSON.stringify({ id: c.id, request: captured }) + '\n')
    } catch (e) {
      process.stdout.write(JSON.stringify({ id: c.id, error: String(e) }) + '\n')
    }
  }
  server.close()
})()
