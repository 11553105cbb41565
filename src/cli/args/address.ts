/** The controller's address as grpc-js dials it: `HOST:PORT`, `[IPv6]:PORT`, or `unix:PATH`. Pure. */
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

export const DEFAULT_CONTROLLER = '127.0.0.1:50051';

/** The environment variable that names the controller when `--controller` is not given. */
export const CONTROLLER_ENV = 'SFC_CONTROLLER';

/** undefined when usable, else why not. */
export function checkAddress(address: string): string | undefined {
  // A unix socket crosses network namespaces, which is how labs and tests reach a controller.
  if (/^unix:.+/.test(address)) return undefined;
  const m = HOST_PORT.exec(address);
  if (m && Number(m[2]) >= 1 && Number(m[2]) <= 65535) return undefined;
  return `'${address}' is not HOST:PORT, [IPv6]:PORT or unix:PATH`;
}
