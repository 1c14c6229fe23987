// The web server's routes: method + path pattern -> handler. One listener serves the page and, later,
// `/metrics`, `/healthz` and `/readyz` (issue 12): those are added with `add()` without touching the
// server. Patterns are literal segments, `:name` (one segment) and a final `*name` (the rest). Pure.

export type Method = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';

export interface RouteOptions {
  /** Served without authentication (e.g. a health probe). Default false. */
  public?: boolean;
}

export interface Route<H> {
  method: Method;
  pattern: string;
  handler: H;
  options: Required<RouteOptions>;
  segments: readonly string[];
}

export type RouteMatch<H> =
  | { kind: 'found'; route: Route<H>; params: Record<string, string> }
  | { kind: 'method-not-allowed'; allow: Method[] }
  | { kind: 'not-found' };

function split(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

export class RouteTable<H> {
  private readonly routes: Route<H>[] = [];

  /** Adds a route; a duplicate method + pattern is a programming error and throws. */
  add(method: Method, pattern: string, handler: H, options: RouteOptions = {}): this {
    if (!pattern.startsWith('/')) throw new Error(`route pattern must start with "/": ${pattern}`);
    const segments = split(pattern);
    segments.forEach((s, i) => {
      if (s.startsWith('*') && i !== segments.length - 1) throw new Error(`"*" must be the last segment: ${pattern}`);
    });
    if (this.routes.some((r) => r.method === method && r.pattern === pattern)) throw new Error(`route ${method} ${pattern} is already defined`);
    this.routes.push({ method, pattern, handler, options: { public: options.public ?? false }, segments });
    return this;
  }

  list(): readonly Pick<Route<H>, 'method' | 'pattern' | 'options'>[] {
    return this.routes.map(({ method, pattern, options }) => ({ method, pattern, options }));
  }

  /** The route for a request; HEAD is answered by the GET route. The first added route wins. */
  match(method: string, path: string): RouteMatch<H> {
    let parts: string[];
    try {
      parts = split(path).map((p) => decodeURIComponent(p));
    } catch {
      return { kind: 'not-found' }; // a malformed %-escape names no route
    }
    const allow = new Set<Method>();
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts);
      if (!params) continue;
      if (r.method === method || (method === 'HEAD' && r.method === 'GET')) return { kind: 'found', route: r, params };
      allow.add(r.method);
      if (r.method === 'GET') allow.add('HEAD');
    }
    return allow.size ? { kind: 'method-not-allowed', allow: [...allow] } : { kind: 'not-found' };
  }
}

function matchSegments(pattern: readonly string[], parts: readonly string[]): Record<string, string> | null {
  const params: Record<string, string> = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i] as string;
    if (p.startsWith('*')) {
      const rest = parts.slice(i);
      if (rest.length === 0) return null;
      params[p.slice(1)] = rest.join('/');
      return params;
    }
    const v = parts[i];
    if (v === undefined) return null;
    if (p.startsWith(':')) params[p.slice(1)] = v;
    else if (p !== v) return null;
  }
  return parts.length === pattern.length ? params : null;
}
