// Segment's FQL matching speed for the triggers given on the command line, on bench_segment.js's events.
// usage (from the peer folder, or with NODE_PATH pointing at its node_modules):
//   node segment_fql.js --n 2000000 name1 'fql 1' name2 'fql 2'
// Prints one JSON line per trigger: {"bench": name, "events_per_s": x, "n": n, "matched": count}.
const { parseFql, validate } = require('@segment/destination-subscriptions')

const args = process.argv.slice(2)
const nAt = args.indexOf('--n')
const N = nAt >= 0 ? Number(args.splice(nAt, 2)[1]) : 1000000
const events = []
for (let i = 0; i < 1000; i++) events.push({ type: 'identify', userId: 'u' + i, messageId: 'm' + i,
  traits: { email: `user${i}@example.com`, first_name: 'First' + i, last_name: 'Last', phone: '+1 555 0100',
    company: 'Acme', title: 'CTO', website: 'https://example.com', address: { city: 'Paris', state: 'CA', postal_code: '94107', country: 'FR' } } })
const now = () => Number(process.hrtime.bigint()) / 1e9

for (let k = 0; k + 1 < args.length; k += 2) {
  const ast = parseFql(args[k + 1])
  if (ast.error) { console.log(JSON.stringify({ bench: args[k], error: ast.error.message })); continue }
  for (let i = 0; i < 100000; i++) validate(ast, events[i % 1000]) // warm up the JIT
  let matched = 0
  const t = now()
  for (let i = 0; i < N; i++) if (validate(ast, events[i % 1000])) matched++
  console.log(JSON.stringify({ bench: args[k], events_per_s: Math.round(N / (now() - t)), n: N, matched: matched / (N / 1000) }))
}
