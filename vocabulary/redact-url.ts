// URLs in logs and error messages: a broker URL may carry a user and password (mqtt://user:pass@host),
// and nothing the gateway logs or prints may (config checks, the publisher, `sterilink watch`).

/** The URL without credentials, safe to log. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '';
    }
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}
