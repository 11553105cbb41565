/**
 * Field paths between the two spellings: domain code and YAML use camelCase
 * (`edgeChains[2].classifiers[0].dst`), the wire uses proto field names
 * (`edge_chains[2].classifiers[0].dst`) as AIP-193 asks of BadRequest field violations.
 * proto-loader derives the camelCase names from the proto names, so the mapping is exact for
 * every field we define (names are lower_snake_case with no doubled or trailing underscores).
 */
export function protoFieldPath(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function camelFieldPath(snake: string): string {
  // As protobufjs camelCases names: only a letter after an underscore is raised.
  return snake.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase());
}
