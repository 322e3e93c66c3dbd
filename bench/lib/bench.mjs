#!/usr/bin/env node
// Small helpers for bench/run.sh, in Node (already needed for s3rver) so that the bench needs no
// curl, jq or Python. Every network call goes to 127.0.0.1 and every wait has a deadline.
//
//   port                                   a free TCP port on 127.0.0.1
//   wait-port PORT TIMEOUT_S               wait until 127.0.0.1:PORT accepts connections
//   wait-alive URL T0_NS TIMEOUT_S PID     poll until 200; print ms since T0_NS (a `date +%s%N` taken before exec)
//   register BASE USERNAME EMAIL PASSWORD  register through the API; print {"token","user_id","jti"}
//   call METHOD URL [TOKEN] [JSON_BODY]    one request; print the status and the body; non-2xx exits 1
//   pgbench-summary OUTPUT_TXT LOG_PREFIX  tps from pgbench's output, p50/p99 from its per-transaction logs
//   sql-check JSONLOG SQL_DIR MARKS_JSON   compare the statements the API sent with bench/sql/*.sql
//   explain SQL_FILE NAME=VALUE...         a psql script: EXPLAIN ANALYZE of the file's last statement,
//                                          prepared as the API's is (a generic plan when it prepares)
//   rounds RESULTS_DIR NAME ROUNDS         combine a row's rounds: the pair with the median ratio,
//                                          the CPU time and requests of all pairs
//   report RESULTS_DIR                     print the figures and write RESULTS_DIR/summary.{md,json}
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { basename, dirname, join } from 'node:path';

const [command, ...args] = process.argv.slice(2);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// A JSON file of a results folder, or null when the run did not write it.
function readResult(resultsDir, file) {
  const path = join(resultsDir, file);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : null;
}

function fail(message) {
  console.error(`bench.mjs ${command}: ${message}`);
  process.exit(1);
}

function loopbackOnly(url) {
  const host = new URL(url).hostname;
  if (host !== '127.0.0.1') fail(`refusing to call ${host}: the bench only targets 127.0.0.1`);
}

async function request(method, url, token, body) {
  loopbackOnly(url);
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(30_000) });
  const text = await response.text();
  return { status: response.status, text };
}

const percentile = (sorted, p) => (sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]);

const commands = {
  async port() {
    const server = createServer();
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    console.log(server.address().port);
    server.close();
  },

  async 'wait-port'(port, timeoutS) {
    const deadline = Date.now() + Number(timeoutS) * 1000;
    while (Date.now() < deadline) {
      const open = await new Promise((resolve) => {
        const socket = connect(Number(port), '127.0.0.1');
        socket.once('connect', () => { socket.destroy(); resolve(true); });
        socket.once('error', () => resolve(false));
      });
      if (open) return;
      await sleep(50);
    }
    fail(`nothing listens on 127.0.0.1:${port} after ${timeoutS} s`);
  },

  async 'wait-alive'(url, t0Ns, timeoutS, pid) {
    loopbackOnly(url);
    const t0 = Number(BigInt(t0Ns) / 1_000_000n);
    const deadline = Date.now() + Number(timeoutS) * 1000;
    while (Date.now() < deadline) {
      try {
        process.kill(Number(pid), 0);
      } catch {
        fail(`process ${pid} exited before ${url} answered`);
      }
      try {
        const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
        await response.arrayBuffer();
        if (response.status === 200) {
          console.log(Date.now() - t0);
          return;
        }
      } catch {
        // Not listening yet.
      }
      await sleep(5);
    }
    fail(`${url} did not answer 200 within ${timeoutS} s`);
  },

  async register(base, username, email, password) {
    const { status, text } = await request('POST', `${base}/api/v1/auth/register`, null, JSON.stringify({ username, email, password }));
    if (status !== 201) fail(`register answered ${status}: ${text}`);
    const token = JSON.parse(text).token;
    const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
    console.log(JSON.stringify({ token, user_id: claims.sub, jti: claims.jti }));
  },

  async call(method, url, token, body) {
    const { status, text } = await request(method, url, token || null, body || undefined);
    console.log(status);
    console.log(text);
    if (status < 200 || status > 299) process.exit(1);
  },

  async 'pgbench-summary'(outputTxt, logPrefix) {
    const output = readFileSync(outputTxt, 'utf8');
    const tps = Number(/tps = ([\d.]+) \(without initial connection time\)/.exec(output)?.[1]);
    const failed = Number(/number of failed transactions: (\d+)/.exec(output)?.[1] ?? 0);
    const latencies = [];
    const dir = dirname(logPrefix);
    for (const file of readdirSync(dir).filter((f) => f.startsWith(`${basename(logPrefix)}.`))) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        // client_id transaction_no time_us script_no epoch epoch_us
        const fields = line.split(' ');
        if (fields.length >= 3) latencies.push(Number(fields[2]));
      }
    }
    latencies.sort((a, b) => a - b);
    if (!Number.isFinite(tps) || latencies.length === 0) fail(`no figures in ${outputTxt}`);
    console.log(JSON.stringify({ rps: tps, requests: latencies.length, errors: failed, p50_us: percentile(latencies, 50), p99_us: percentile(latencies, 99) }));
  },

  async 'sql-check'(jsonlog, sqlDir, marksJson) {
    // The API's statements, as PostgreSQL logged them (log_statement=all, jsonlog), grouped by
    // the request that sent them (marks: [{name, from, to}] byte offsets of the log).
    const marks = JSON.parse(readFileSync(marksJson, 'utf8'));
    const log = readFileSync(jsonlog);
    const normalize = (sql) => sql
      .replace(/\bbench_[a-z0-9_]*\([^()]*\)/g, '?') // helpers that stand in for a parameter pgbench cannot produce
      .replace(/\$\d+/g, '?')
      .replace(/(?<!:):[a-z_][a-z0-9_]*/g, '?')
      .replace(/\s+/g, ' ')
      .replace(/\( /g, '(').replace(/ \)/g, ')')
      .trim().replace(/;$/, '');
    let mismatches = 0;
    for (const { name, from, to } of marks) {
      const entries = log.subarray(from, to).toString('utf8').split('\n').filter(Boolean)
        .map((line) => JSON.parse(line))
        .filter((e) => e.application_name !== 'psql' && e.backend_type === 'client backend');
      const statements = entries.map((e) => /^(execute ([^:]+)|statement): ([\s\S]*)$/.exec(e.message)).filter(Boolean);
      const sent = statements.map((m) => m[3]);
      // Extended-protocol statements the API sent: unnamed (parsed every time) or named (prepared).
      const executes = statements.filter((m) => m[2] !== undefined);
      const protocolSent = executes.length > 0 && executes.every((m) => m[2] !== '<unnamed>') ? 'prepared' : 'extended';
      writeFileSync(join(dirname(marksJson), `captured-${name}.sql`), sent.map((s) => `${s.trim()};\n`).join('\n'));
      const file = join(sqlDir, `${name}.sql`);
      const text = readFileSync(file, 'utf8');
      const protocolScripted = /^-- protocol: *([a-z]+)/m.exec(text)?.[1];
      const scripted = text
        .split('\n').filter((l) => !/^\s*(--|\\)/.test(l)).join('\n')
        .split(/;\s*\n/).map(normalize).filter(Boolean);
      const captured = sent.map(normalize);
      const same = scripted.length === captured.length && scripted.every((s, i) => s === captured[i]) && protocolScripted === protocolSent;
      if (!same) {
        mismatches++;
        console.error(`sql-check: ${name}: bench/sql/${name}.sql differs from what the API sent (see captured-${name}.sql)`);
        console.error(`  script (${protocolScripted}): ${JSON.stringify(scripted)}\n  sent (${protocolSent}): ${JSON.stringify(captured)}`);
      } else {
        console.log(`sql-check: ${name}: ${captured.length} statement(s) (${protocolSent}), same as bench/sql/${name}.sql`);
      }
    }
    if (mismatches > 0) process.exit(2);
  },

  async explain(file, ...assignments) {
    const text = readFileSync(file, 'utf8');
    // The script's own constants (\set limit 21) first, then the values run.sh passes.
    const constants = [...text.matchAll(/^\\set (\w+) (\d+)\s*$/gm)].map((m) => [m[1], m[2]]);
    const values = Object.fromEntries([...constants, ...assignments.map((a) => [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)])]);
    const statement = text.split('\n').filter((l) => !/^\s*(--|\\)/.test(l)).join('\n')
      .split(/;\s*\n/).map((s) => s.trim()).filter(Boolean).at(-1).replace(/;$/, '');
    const order = [];
    const prepared = statement.replace(/(?<!:):([a-z_][a-z0-9_]*)/g, (_, name) => {
      if (!(name in values)) fail(`no value for :${name}`);
      if (!order.includes(name)) order.push(name);
      return `$${order.indexOf(name) + 1}`;
    });
    const literal = (v) => `'${String(v).replaceAll("'", "''")}'`;
    if (/^-- protocol: *prepared/m.test(text)) console.log('SET plan_cache_mode = force_generic_plan;');
    console.log(`PREPARE bench_explain AS ${prepared};`);
    console.log(`EXPLAIN (ANALYZE, BUFFERS) EXECUTE bench_explain(${order.map((n) => literal(values[n])).join(', ')});`);
  },

  async rounds(resultsDir, name, count) {
    const read = (file) => readResult(resultsDir, file);
    const rounds = [];
    for (let round = 1; round <= Number(count); round++) {
      const tag = `${name}.r${round}`;
      const api = read(`api-${tag}.json`);
      const pgbench = read(`pgbench-${tag}.json`);
      const cpuApi = read(`cpu-api-${tag}.json`);
      const cpuPgbench = read(`cpu-pgbench-${tag}.json`);
      const answer = read(`answer-${tag}.json`);
      const cpuAnswer = read(`cpu-answer-${tag}.json`);
      if (api && pgbench && cpuApi && cpuPgbench && answer && cpuAnswer) {
        // The yardstick is the answer statement alone; the replay ratio is kept for comparison.
        rounds.push({ round, api, pgbench, cpuApi, cpuPgbench, answer, cpuAnswer, ratio: api.rps / answer.rps, replayRatio: api.rps / pgbench.rps });
      }
    }
    if (rounds.length === 0) fail(`no complete round of ${name} in ${resultsDir}`);
    // The median pair stands for the row (the lower one of an even count): one disturbed round,
    // on either side, does not move it. Its req/s, ratio and latencies are one pair's, not a mix.
    const median = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor((rounds.length - 1) / 2)];
    writeFileSync(join(resultsDir, `api-${name}.json`), JSON.stringify({ ...median.api, round: median.round }) + '\n');
    writeFileSync(join(resultsDir, `pgbench-${name}.json`), JSON.stringify({ ...median.pgbench, round: median.round }) + '\n');
    writeFileSync(join(resultsDir, `answer-${name}.json`), JSON.stringify({ ...median.answer, round: median.round }) + '\n');
    // CPU per request over all pairs: more requests, less noise, and no choice to make.
    const sum = (pick) => rounds.reduce((total, r) => total + pick(r), 0);
    const ticksPerS = rounds[0].cpuApi.ticks_per_s;
    writeFileSync(join(resultsDir, `cpu-api-${name}.json`), JSON.stringify({
      api_cpu_ticks: sum((r) => r.cpuApi.api_cpu_ticks), pg_cpu_ticks: sum((r) => r.cpuApi.pg_cpu_ticks),
      ticks_per_s: ticksPerS, requests: sum((r) => r.api.requests),
    }) + '\n');
    writeFileSync(join(resultsDir, `cpu-pgbench-${name}.json`), JSON.stringify({
      api_cpu_ticks: 0, pg_cpu_ticks: sum((r) => r.cpuPgbench.pg_cpu_ticks),
      ticks_per_s: ticksPerS, requests: sum((r) => r.pgbench.requests),
    }) + '\n');
    writeFileSync(join(resultsDir, `cpu-answer-${name}.json`), JSON.stringify({
      api_cpu_ticks: 0, pg_cpu_ticks: sum((r) => r.cpuAnswer.pg_cpu_ticks),
      ticks_per_s: ticksPerS, requests: sum((r) => r.answer.requests),
    }) + '\n');
    writeFileSync(join(resultsDir, `rounds-${name}.json`), JSON.stringify(rounds.map((r) => ({
      round: r.round, api_rps: r.api.rps, answer_rps: r.answer.rps, pgbench_rps: r.pgbench.rps, ratio: r.ratio, replay_ratio: r.replayRatio,
    }))) + '\n');
    console.log(`${name}: API/yardstick by round ${rounds.map((r) => r.ratio.toFixed(2)).join(', ')} (API/replay ${rounds.map((r) => r.replayRatio.toFixed(2)).join(', ')}); median round ${median.round}`);
  },

  async report(resultsDir) {
    const read = (file) => readResult(resultsDir, file);
    const meta = read('meta.json') ?? {};
    const ms = (us) => (Number.isFinite(us) ? (us / 1000).toFixed(2) : '-');
    const rows = [];
    const lines = [];
    const header = `| ${'request'.padEnd(38)} | API req/s | p50 ms | p99 ms | yardstick tx/s | p50 ms | API/yardstick | API CPU µs | PG CPU µs (API) | PG CPU µs (yardstick) | PG CPU ratio | rounds           |`;
    lines.push(header, `|${header.slice(1, -1).replace(/[^|]/g, '-')}|`);
    const replayLines = [];
    const replayHeader = `| ${'request'.padEnd(38)} | replay tx/s | API/replay | PG CPU µs (replay) |`;
    replayLines.push(replayHeader, `|${replayHeader.slice(1, -1).replace(/[^|]/g, '-')}|`);
    const us = (ticks, requests, perS) => (ticks * 1e6) / perS / requests;
    const cpuRows = [];
    for (const [name, label] of [
      ['timeline', 'GET /posts?limit=20 (bearer)'],
      ['create', 'POST /posts'],
      ['like', 'POST+DELETE /posts/{id}/likes'],
      ['comments', 'GET /posts/{id}/comments (bearer)'],
      ['comment', 'POST /posts/{id}/comments'],
      ['deep-10k', `GET /posts?cursor=deep, 10k posts (c=${meta.deep_concurrency ?? '?'})`],
      ['deep-1m', `GET /posts?cursor=deep, 1M posts (c=${meta.deep_concurrency ?? '?'})`],
    ]) {
      const api = read(`api-${name}.json`);
      const pg = read(`pgbench-${name}.json`);
      const answer = read(`answer-${name}.json`);
      if (!api && !pg && !answer) continue;
      const ratio = api && answer ? api.rps / answer.rps : NaN;
      const replayRatio = api && pg ? api.rps / pg.rps : NaN;
      const rounds = read(`rounds-${name}.json`) ?? [];
      const underApi = read(`cpu-api-${name}.json`);
      const underReplay = read(`cpu-pgbench-${name}.json`);
      const underAnswer = read(`cpu-answer-${name}.json`);
      const cpu = underApi && underAnswer && underReplay ? {
        name,
        api_us: us(underApi.api_cpu_ticks, underApi.requests, underApi.ticks_per_s),
        pg_us_under_api: us(underApi.pg_cpu_ticks, underApi.requests, underApi.ticks_per_s),
        pg_us_under_yardstick: us(underAnswer.pg_cpu_ticks, underAnswer.requests, underAnswer.ticks_per_s),
        pg_us_under_replay: us(underReplay.pg_cpu_ticks, underReplay.requests, underReplay.ticks_per_s),
      } : null;
      if (cpu) cpuRows.push(cpu);
      rows.push({ name, api, yardstick: answer, replay: pg, ratio, replay_ratio: replayRatio, rounds, cpu });
      const f = (v, digits = 0) => (Number.isFinite(v) ? v.toFixed(digits) : '-');
      const spread = rounds.map((r) => r.ratio.toFixed(2)).join(' ');
      lines.push(`| ${label.padEnd(38)} | ${f(api?.rps).padStart(9)} | ${ms(api?.p50_us).padStart(6)} | ${ms(api?.p99_us).padStart(6)} | ${f(answer?.rps).padStart(14)} | ${ms(answer?.p50_us).padStart(6)} | ${(Number.isFinite(ratio) ? ratio.toFixed(2) + '×' : '-').padStart(13)} | ${f(cpu?.api_us).padStart(10)} | ${f(cpu?.pg_us_under_api).padStart(15)} | ${f(cpu?.pg_us_under_yardstick).padStart(21)} | ${(cpu ? (cpu.pg_us_under_api / cpu.pg_us_under_yardstick).toFixed(2) + '×' : '-').padStart(12)} | ${spread.padEnd(16)} |`);
      replayLines.push(`| ${label.padEnd(38)} | ${f(pg?.rps).padStart(11)} | ${(Number.isFinite(replayRatio) ? replayRatio.toFixed(2) + '×' : '-').padStart(10)} | ${f(cpu?.pg_us_under_replay).padStart(18)} |`);
    }
    lines.push('', 'The old yardstick, for comparison: pgbench replaying every statement the API sends, as it sends them, one thread.', '', ...replayLines);
    const deep10k = read('api-deep-10k.json');
    const deep1m = read('api-deep-1m.json');
    const pgDeep10k = read('answer-deep-10k.json');
    const pgDeep1m = read('answer-deep-1m.json');
    const scaling = deep10k && deep1m ? deep1m.p50_us / deep10k.p50_us : NaN;
    const pgScaling = pgDeep10k && pgDeep1m ? pgDeep1m.p50_us / pgDeep10k.p50_us : NaN;
    lines.push('');
    if (Number.isFinite(scaling)) {
      lines.push(`deep page p50, 1M posts / 10k posts: API ${scaling.toFixed(2)}× (yardstick ${pgScaling.toFixed(2)}×); plan: ${meta.deep_plan ?? '?'}`);
    }
    lines.push(`API start-up, process start to first 200 from /alive: ${meta.startup_ms ?? '?'} ms, ${meta.startup_cpu_ms ?? '?'} ms of CPU (first start, migrating an empty database: ${meta.first_startup_ms ?? '?'} ms)`);
    lines.push(`API peak RSS (VmHWM): ${meta.peak_rss_kb ? (meta.peak_rss_kb / 1024).toFixed(0) + ' MB' : '?'}`);
    lines.push(`build ${meta.build ?? '?'}; wrk and the yardstick's pgbench with ${meta.threads ?? '?'} threads; concurrency ${meta.concurrency} connections (deep pages: ${meta.deep_concurrency}), ${meta.rounds ?? 1} rounds of ${meta.duration_s} s per side after ${meta.warmup_s} s of warm-up (each row: the round with the median ratio; CPU over all rounds); ${meta.posts} posts, ${meta.users} users, ${meta.likes} likes, ${meta.comments} comments; ${meta.cpus} CPUs, load average at start ${meta.loadavg}`);
    const text = lines.join('\n');
    console.log(text);
    writeFileSync(join(resultsDir, 'summary.md'), text + '\n');
    writeFileSync(join(resultsDir, 'summary.json'), JSON.stringify({ ...meta, rows, cpu_per_request: cpuRows, deep_page_scaling: scaling, yardstick_deep_page_scaling: pgScaling }, null, 2));
  },
};

if (!commands[command]) fail(`unknown command (one of: ${Object.keys(commands).join(', ')})`);
await commands[command](...args);
