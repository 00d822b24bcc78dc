import type { FastifyInstance } from 'fastify';

export interface RouteInfo {
  readonly method: string;
  readonly url: string;
}

/**
 * Every route a ready fastify instance serves (HEAD twins left out), read from printRoutes() so it
 * works however the service registered them (plugins or direct calls). The fuzzers and the auth
 * matrix iterate this list, so a route added later is covered, or fails the test for lack of a row.
 */
export async function listRoutes(app: FastifyInstance): Promise<RouteInfo[]> {
  await app.ready();
  const tree = app.printRoutes({ commonPrefix: false });
  const stack: string[] = [];
  const out: RouteInfo[] = [];
  for (const line of tree.split('\n')) {
    const branch = Math.max(line.indexOf('├── '), line.indexOf('└── '));
    if (branch < 0) continue;
    const depth = branch / 4;
    const rest = line.slice(branch + 4);
    const open = rest.lastIndexOf(' (');
    const segment = open < 0 ? rest.trim() : rest.slice(0, open);
    stack.length = depth;
    const url = `${stack.join('')}${segment}`;
    stack.push(segment);
    if (open < 0) continue;
    const methods = rest.slice(open + 2, rest.lastIndexOf(')')).split(', ');
    for (const method of methods) if (method !== 'HEAD') out.push({ method, url });
  }
  return out.sort((a, b) => `${a.url} ${a.method}`.localeCompare(`${b.url} ${b.method}`));
}
