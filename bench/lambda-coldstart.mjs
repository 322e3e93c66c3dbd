// Cold start and warm latency of the Lambda package, against Kestrel start-up, in one run.
// Lambda: a Runtime API emulator (2018-06-01) serves GET /api/v1/posts as a REST API event; cold
// start = process spawn -> the function's response post for that first event. Then WARM more
// events one after another: latency = event handed out by /next -> response post received.
// Kestrel: the same package without AWS_LAMBDA_RUNTIME_API; start-up = spawn -> first 200 from
// GET /api/v1/posts (polled every 2 ms, so up to ~2 ms late).
// Usage: node lambda-coldstart.mjs PACKAGE_DIR RUNS WARM   (environment: the API's configuration)
import http from 'node:http';
import { spawn } from 'node:child_process';
import net from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const [packageArg, runsArg = '10', warmArg = '200'] = process.argv.slice(2);
const packageDir = path.resolve(packageArg);
const runs = Number(runsArg), warm = Number(warmArg);
const now = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.ceil(p / 100 * s.length) - 1)]; };
// CPU time (user + sys) the process has used so far: far less sensitive than wall time to other
// load on a shared machine. Linux only; 10 ms resolution.
const cpuMs = (pid) => { try { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; } catch { return NaN; } };
const freePort = () => new Promise((resolve) => { const s = net.createServer(); s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });

const event = JSON.stringify({
  resource: '/{proxy+}', path: '/api/v1/posts', httpMethod: 'GET',
  headers: { Accept: 'application/json', Host: 'bench.execute-api.us-east-1.amazonaws.com', 'X-Forwarded-Proto': 'https' },
  multiValueHeaders: { Accept: ['application/json'], Host: ['bench.execute-api.us-east-1.amazonaws.com'], 'X-Forwarded-Proto': ['https'] },
  queryStringParameters: { limit: '20' }, multiValueQueryStringParameters: { limit: ['20'] },
  requestContext: { stage: 'bench', requestId: 'r', identity: { sourceIp: '198.51.100.1' }, apiId: 'bench', accountId: '123456789012' },
  body: null, isBase64Encoded: false,
});

function start(extraEnv) {
  const child = spawn(path.join(packageDir, 'bootstrap'), [], { cwd: packageDir, env: { ...process.env, ...extraEnv }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; if (process.env.BENCH_SHOW_STDERR) process.stderr.write(d); });
  child.on('exit', (code) => { if (code && !child.killedByBench) { console.error(`function exited ${code}: ${stderr}`); process.exit(1); } });
  return child;
}

async function stop(child) {
  child.killedByBench = true;
  await new Promise((resolve) => { child.once('exit', resolve); child.kill('SIGKILL'); });
}

async function lambdaRun() {
  let id = 0, handedOut = 0, t0 = 0, cold = 0, ready = 0, cpu = 0, child;
  const latencies = [];
  let waiting = null; // the parked /next request
  let remaining = 1 + warm;
  let finish;
  const done = new Promise((resolve) => { finish = resolve; });
  const give = (res) => {
    id += 1;
    handedOut = now();
    res.writeHead(200, { 'Content-Type': 'application/json', 'Lambda-Runtime-Aws-Request-Id': String(id), 'Lambda-Runtime-Deadline-Ms': String(Date.now() + 30000),
      'Lambda-Runtime-Invoked-Function-Arn': 'arn:aws:lambda:us-east-1:123456789012:function:bench', 'Lambda-Runtime-Trace-Id': 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=0' });
    res.end(event);
  };
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url.endsWith('/invocation/next')) {
      if (id === 0) { ready = now() - t0; }
      if (remaining > 0) { give(res); } else { waiting = res; finish(); }
      return;
    }
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      const t = now();
      res.writeHead(202).end();
      if (!req.url.endsWith('/response')) { console.error(`unexpected ${req.method} ${req.url}: ${body}`); process.exit(1); }
      const status = JSON.parse(body).statusCode;
      if (status !== 200) { console.error(`GET /api/v1/posts answered ${status}: ${body}`); process.exit(1); }
      if (id === 1) { cold = t - t0; cpu = cpuMs(child.pid); } else { latencies.push(t - handedOut); }
      remaining -= 1;
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  t0 = now();
  child = start({ AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${server.address().port}`, AWS_LAMBDA_FUNCTION_NAME: 'bench' });
  await done;
  await stop(child);
  waiting?.destroy();
  server.close();
  return { cold, ready, cpu, latencies };
}

async function kestrelRun() {
  const port = await freePort();
  const t0 = now();
  const child = start({ ASPNETCORE_URLS: `http://127.0.0.1:${port}` });
  let cpu = 0;
  for (;;) {
    const ok = await new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port, path: '/api/v1/posts?limit=20', agent: false }, (res) => { res.resume(); resolve(res.statusCode === 200); });
      req.on('error', () => resolve(false));
    });
    if (ok) { cpu = cpuMs(child.pid); break; }
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  const startup = now() - t0;
  await stop(child);
  return { startup, cpu };
}

const colds = [], readies = [], cpus = [], kestrels = [], kestrelCpus = [], warmAll = [];
await lambdaRun(); await kestrelRun(); // one unmeasured round each: disk cache, PostgreSQL warm
for (let i = 0; i < runs; i++) {
  const { cold, ready, cpu, latencies } = await lambdaRun();
  colds.push(cold); readies.push(ready); cpus.push(cpu); warmAll.push(...latencies);
  const kestrel = await kestrelRun();
  kestrels.push(kestrel.startup); kestrelCpus.push(kestrel.cpu);
  process.stderr.write(`run ${i + 1}/${runs}: lambda cold ${cold.toFixed(0)} ms, kestrel ${kestrels.at(-1).toFixed(0)} ms\n`);
}

const f = (x) => `${x.toFixed(1)} ms`;
console.log(`runs: ${runs} (medians over runs); warm invocations: ${warmAll.length}`);
console.log(`lambda cold start (spawn -> first GET /api/v1/posts answered): median ${f(median(colds))}, min ${f(Math.min(...colds))}, max ${f(Math.max(...colds))}`);
console.log(`  of which host start (spawn -> first /next): median ${f(median(readies))}; first invocation: median ${f(median(colds.map((c, i) => c - readies[i])))}`);
console.log(`  CPU time used by then (user + sys): median ${f(median(cpus))}`);
console.log(`lambda warm invocation (event out -> response in): p50 ${f(pct(warmAll, 50))}, p99 ${f(pct(warmAll, 99))}`);
console.log(`kestrel start-up (spawn -> first 200 from GET /api/v1/posts): median ${f(median(kestrels))}, min ${f(Math.min(...kestrels))}, max ${f(Math.max(...kestrels))}`);
console.log(`  CPU time used by then (user + sys): median ${f(median(kestrelCpus))}`);
console.log(`ratio lambda cold / kestrel start-up: ${(median(colds) / median(kestrels)).toFixed(2)}`);
console.log(`ratio lambda cold / warm p50: ${(median(colds) / pct(warmAll, 50)).toFixed(0)}`);
