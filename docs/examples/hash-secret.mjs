#!/usr/bin/env node
// Prints the scrypt hash of a password (or bearer token) for the web page's `http.auth.users[].password`
// (or `http.auth.token`), in the form the config accepts. The secret is read from stdin, so it stays out
// of the shell history and the process list:
//
//   read -rs PW && printf %s "$PW" | node docs/examples/hash-secret.mjs
//
// (from an installed package: node node_modules/sterilink/docs/examples/hash-secret.mjs)
import { hashSecret } from '../../dist/gateway/http/secret-hash.js';

let secret = '';
process.stdin.setEncoding('utf8');
for await (const chunk of process.stdin) secret += chunk;
secret = secret.replace(/\r?\n$/, '');
if (secret.length < 8) {
  process.stderr.write('expected a secret of at least 8 characters on stdin\n');
  process.exit(2);
}
process.stdout.write(`${await hashSecret(secret)}\n`);
