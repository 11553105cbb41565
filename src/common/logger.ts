/**
 * Logging: one winston root per process, a child per module (`logger('agent.grpc')`) so every line
 * says where it came from. Configured from the environment, because agents are started by the lab,
 * by systemd or by tests, and none of them should need code changes to turn logs up:
 *
 * - SFC_LOG_LEVEL: error | warn | info (default) | verbose | debug | silent
 * - SFC_LOG_FORMAT: text (default; one line per entry) | json (one JSON object per line)
 *
 * Logs go to stderr: stdout belongs to program output (CLI tables, benchmark JSON lines).
 */
import winston from 'winston';

export type Logger = winston.Logger;

const LEVELS = ['error', 'warn', 'info', 'http', 'verbose', 'debug', 'silly'] as const;

/** JSON.stringify throws on bigint (counters are bigint): print them as numbers. */
const show = (v: unknown): string =>
  typeof v === 'bigint'
    ? v.toString()
    : typeof v === 'string' && v !== '' && !/\s/.test(v)
      ? v
      : JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? x.toString() : x));

/** `2024-05-01T10:00:00.000Z info agent.grpc: registered node=edge1 attempt=2` */
const textFormat = winston.format.printf((info) => {
  const { timestamp, level, message, module, ...rest } = info as Record<string, unknown>;
  // Object.entries skips winston's symbol keys (its internal copies of level and message).
  const fields = Object.entries(rest).map(([k, v]) => `${k}=${show(v)}`);
  return [String(timestamp), String(level), `${String(module ?? '-')}:`, String(message), ...fields].join(' ');
});

function createRoot(env: NodeJS.ProcessEnv): Logger {
  const wanted = (env.SFC_LOG_LEVEL ?? 'info').toLowerCase();
  const silent = wanted === 'silent';
  const level = (LEVELS as readonly string[]).includes(wanted) ? wanted : 'info';
  const json = (env.SFC_LOG_FORMAT ?? 'text').toLowerCase() === 'json';
  const root = winston.createLogger({
    level,
    format: winston.format.combine(winston.format.timestamp(), json ? winston.format.json() : textFormat),
    transports: [new winston.transports.Console({ stderrLevels: [...LEVELS], silent })],
  });
  if (!silent && wanted !== level) root.warn(`unknown SFC_LOG_LEVEL '${wanted}', using ${level}`, { module: 'common.logger' });
  return root;
}

let root: Logger | undefined;

/** The logger of one module, named by dotted path (`controller.reconcile`, `agent.netlink`). */
export function logger(module: string): Logger {
  root ??= createRoot(process.env);
  return root.child({ module });
}
