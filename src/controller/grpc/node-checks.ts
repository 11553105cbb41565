/**
 * What RegisterNode accepts beyond shape (the codec's): a node name chains can refer to (the
 * document rule: no '/', no '.'), a dial address, an IPv6 locator prefix (SIDs are allocated in
 * it), labels as documents write them, Linux interface names. A registration that passes is one
 * planning can use; one that does not is refused with every violation, before it is stored.
 */
import { Violations } from '../../common/errors.js';
import { protoFieldPath } from '../../common/grpc/field-path.js';
import type { ProtoReader } from '../../common/grpc/proto-reader.js';
import { AddressParseError, parsePrefix } from '../../common/ip.js';
import { readInterfaceName, readLabels, readNodeName } from '../../chains/names.js';
import type { NodeRegistration } from './codecs/node-codec.js';

function checkLocator(v: Violations, path: string, locator: string): void {
  if (locator === '') return v.add(path, 'is required: the SRv6 prefix the SIDs of the node are allocated from');
  try {
    const p = parsePrefix(locator);
    if (p.family !== 6) v.add(path, `'${locator}' must be an IPv6 prefix`);
  } catch (e) {
    v.add(path, e instanceof AddressParseError ? e.message : `'${locator}' is not a prefix`);
  }
}

/** Adds the registration's violations (paths under `node`) to `r`, except on fields the codec already refused. */
export function checkNode(r: ProtoReader, node: NodeRegistration): void {
  const v = new Violations();
  readNodeName(v, 'name', node.name);
  if (node.address === '') v.add('address', 'is required: the host:port the controller dials the agent at');
  checkLocator(v, 'locator', node.locator);
  readLabels(v, 'labels', node.labels);
  node.interfaces.forEach((name, i) => readInterfaceName(v, `interfaces[${i}]`, name));
  if (node.coreInterface !== undefined) readInterfaceName(v, 'coreInterface', node.coreInterface);
  const seen = new Set(r.violations.list.map((x) => x.field));
  for (const x of v.list) {
    // Label keys are data: only the field name is converted.
    const path = `node.${x.field.startsWith('labels') ? x.field : protoFieldPath(x.field)}`;
    if (!seen.has(path)) r.add(path, x.description);
  }
}
