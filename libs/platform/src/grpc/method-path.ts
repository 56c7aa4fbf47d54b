/** The service and method of a gRPC method path, `/package.Service/Method`. */
export function methodPathParts(path: string): { service: string; method: string } {
  const slash = path.lastIndexOf('/');
  return { service: path.slice(1, slash), method: path.slice(slash + 1) };
}
