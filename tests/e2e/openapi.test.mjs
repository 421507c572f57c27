// The OpenAPI 3.1 document: served at /api/v1/openapi.json byte for byte as docs/openapi.json,
// valid against the OpenAPI 3.1 schema (npm @seriousme/openapi-schema-validator), and its
// paths answered by the real server (each documented operation is routed: no "Cannot METHOD"
// 404). The route table <-> document comparison both ways is the unit test rest/openapi_test.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { start } from './lib/server.mjs';
import { tokenFor } from './lib/token.mjs';

const source = readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8');
let server;

before(async () => { server = await start(); });
after(async () => { await server?.stop(); server?.cleanup(); });

test('GET /api/v1/openapi.json serves docs/openapi.json as application/json, no token needed', async () => {
  const r = await fetch(`${server.http}/api/v1/openapi.json`);
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-type'), 'application/json');
  assert.equal(await r.text(), source);
});

test('the document is valid OpenAPI 3.1', async () => {
  const validator = new Validator({ strict: true });
  const res = await validator.validate(JSON.parse(source));
  assert.equal(validator.version, '3.1');
  assert.equal(res.valid, true, JSON.stringify(res.errors, null, 2));
});

test('broken documents are refused by the same validator (the check can fail)', async () => {
  const breakers = [
    (d) => { d.paths['/api/v1/messages/{id}'].get.parameters[0].in = 'body'; },
    (d) => { delete d.paths['/health'].get.responses['200'].description; },
    (d) => { d.paths['/health'].get.responses['2000'] = { description: 'x' }; },
  ];
  for (const brk of breakers) {
    const doc = JSON.parse(source);
    brk(doc);
    const res = await new Validator({ strict: true }).validate(doc);
    assert.equal(res.valid, false, brk.toString());
  }
});

test('every documented operation is routed by the server', async () => {
  const doc = JSON.parse(source);
  const token = tokenFor(`openapi-${Date.now()}`);
  const id = '0123456789abcdef01234567';
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of Object.keys(item)) {
      const url = server.http + path.replace(/\{[^}]+\}/g, id);
      const r = await fetch(url, {
        method: method.toUpperCase(),
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: ['post', 'patch', 'put'].includes(method) ? '{}' : undefined,
      });
      const body = await r.text();
      assert.ok(!body.includes(`Cannot ${method.toUpperCase()}`), `${method} ${path}: ${r.status} ${body}`);
    }
  }
});
