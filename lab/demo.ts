/**
 * `npm run demo`: the dataplane demo (src/lab/demo/run-demo.ts) from the command line. Progress on
 * stderr, one JSON summary line on stdout, non-zero exit when an expectation fails.
 *
 *   npm run demo                  deploy, run, verify, tear down
 *   npm run demo -- --keep        leave the lab up afterwards for poking
 *   npm run demo -- --destroy     remove a kept lab
 *
 * Ctrl-C or SIGTERM stops the traffic and tears the lab down (unless --keep); a second one gives up
 * waiting and removes the namespaces at once.
 */
import { DEMO_PREFIX, SERVER_ADDRESS } from '../src/lab/demo/plan.js';
import { destroyDemo, runDataplaneDemo } from '../src/lab/demo/run-demo.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--keep' && a !== '--destroy');
if (unknown.length > 0) {
  log(`unknown argument ${unknown.join(' ')}; usage: npm run demo [-- --keep | --destroy]`);
  process.exit(2);
}

if (args.includes('--destroy')) {
  const removed = destroyDemo();
  log(removed.length > 0 ? `removed ${removed.join(', ')}` : `no ${DEMO_PREFIX}* namespaces to remove`);
  process.exit(0);
}

const keep = args.includes('--keep');
const abort = new AbortController();
let signals = 0;
const onSignal = (sig: NodeJS.Signals): void => {
  if (++signals > 1) {
    if (!keep) destroyDemo();
    process.exit(130);
  }
  log(`${sig}: stopping the traffic${keep ? '' : ' and tearing the lab down'} (again to force)`);
  abort.abort(new Error(`interrupted by ${sig}`));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  const result = await runDataplaneDemo({ keep, signal: abort.signal, log });
  process.stdout.write(`${JSON.stringify(result.summary)}\n`);
  if (keep) {
    log(`the lab is still up (${DEMO_PREFIX}*). Try:`);
    log(`  ip netns exec ${DEMO_PREFIX}client ping ${SERVER_ADDRESS}`);
    log(`  ip -n ${DEMO_PREFIX}edge nexthop show; ip -n ${DEMO_PREFIX}edge route show`);
    log(`  ip -s -n ${DEMO_PREFIX}fn1 -6 route show   # fn1's End SID with its packet counter`);
    log(`remove it with: npm run demo -- --destroy`);
  }
  process.exit(0);
} catch (e) {
  const reason: unknown = abort.signal.aborted ? abort.signal.reason : e;
  log(`demo ${abort.signal.aborted ? 'stopped' : 'failed'}: ${reason instanceof Error ? reason.message : String(reason)}`);
  if (keep) log(`the lab is still up for inspection; remove it with: npm run demo -- --destroy`);
  process.exit(abort.signal.aborted ? 130 : 1);
}
