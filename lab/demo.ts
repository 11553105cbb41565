/**
 * `npm run demo`: the sfclab demo (src/lab/demo/run-demo.ts) from the command line. Progress on
 * stderr, one JSON summary line on stdout, non-zero exit when an expectation fails.
 *
 *   npm run demo                  deploy, run, verify, tear down
 *   npm run demo -- --keep        leave the lab up afterwards for poking (sfclab inspect, sfcctl)
 *   npm run demo -- --destroy     remove a kept lab
 *
 * Ctrl-C or SIGTERM tears the lab down (unless --keep).
 */
import { destroyLab } from '../src/lab/sfclab/destroy.js';
import { controllerAddress, labPaths } from '../src/lab/sfclab/lab-layout.js';
import { DEMO_LAB, runDemo } from '../src/lab/demo/run-demo.js';

const log = (line: string): void => void process.stderr.write(`${line}\n`);
const args = process.argv.slice(2);
const unknown = args.filter((a) => a !== '--keep' && a !== '--destroy');
if (unknown.length > 0) {
  log(`unknown argument ${unknown.join(' ')}; usage: npm run demo [-- --keep | --destroy]`);
  process.exit(2);
}
if (process.getuid?.() !== 0) {
  log('the demo needs root: it creates network namespaces (run it as root, e.g. sudo npm run demo)');
  process.exit(1);
}

if (args.includes('--destroy')) {
  const r = await destroyLab({ lab: DEMO_LAB, log });
  log(r.namespaces > 0 ? 'demo lab removed' : 'no demo lab to remove');
  process.exit(0);
}

const keep = args.includes('--keep');
let stopping = false;
const onSignal = (sig: NodeJS.Signals): void => {
  if (stopping) process.exit(130);
  stopping = true;
  log(`${sig}: ${keep ? 'leaving the lab up' : 'tearing the lab down'} (again to force)`);
  void (keep ? Promise.resolve() : destroyLab({ lab: DEMO_LAB, log })).finally(() => process.exit(130));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

try {
  const summary = await runDemo({ keep, log });
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (keep) {
    log('\nthe lab is still up. Try:');
    log('  bin/sfclab inspect -t topology/demo.clab.yml');
    log(`  SFC_CONTROLLER=${controllerAddress(labPaths(DEMO_LAB))} bin/sfcctl describe chain demo`);
    log("  bin/sfclab exec -t topology/demo.clab.yml --node client --cmd 'ping -c 3 10.2.0.2'");
    log('  bin/sfclab graph -t topology/demo.clab.yml    # writes demo.graph.html');
    log('remove it with: npm run demo -- --destroy');
  }
  process.exit(summary.ok ? 0 : 1);
} catch (e) {
  log(`demo failed: ${e instanceof Error ? e.message : String(e)}`);
  if (keep) log('the lab is still up for inspection; remove it with: npm run demo -- --destroy');
  process.exit(1);
}
