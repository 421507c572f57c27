#!/usr/bin/env node
// The load benchmark's reference: a Node socket.io 4.8 server with chatgate's events, everything in
// memory (no database), so that scripts/bench.sh can run each scenario against chatgate and
// against what it replaces in the same run. Same wire behaviour as chatgate where the benchmark
// looks: JWT (HS256) in `auth.token`, rooms `user:{id}` and `conversation:{id}`, the `connected`
// event, `message:send` -> `message:new` to the whole conversation room (the sender's sockets
// included, as chatgate's gateway does) and the ack `{success: true, message}`, `room:join`,
// `ping`, `user:online` presence, and REST `POST /api/v1/conversations` for groups.
// Env: HOST (127.0.0.1), PORT (0 = any; the port is printed as `listening <port>`), JWT_SECRET.
import { createServer } from 'node:http';
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { Server } from 'socket.io';

const secret = process.env.JWT_SECRET ?? '';
if (!secret) { console.error('JWT_SECRET is required'); process.exit(2); }

const conversations = new Map();  // id -> { id, type, name, createdBy, participants: Set, seq, createdAt }
const byUser = new Map();         // user id -> Set of conversation ids
const online = new Map();         // user id -> open sockets

/** The `sub` of a valid HS256 token, or null (signature, alg and exp checked). */
function verify(token) {
  if (typeof token !== 'string') return null;
  const parts = token.split('.');
  if (parts.length !== 3) return null;
  try {
    const header = JSON.parse(Buffer.from(parts[0], 'base64url'));
    if (header.alg !== 'HS256') return null;
    const want = createHmac('sha256', secret).update(`${parts[0]}.${parts[1]}`).digest();
    const got = Buffer.from(parts[2], 'base64url');
    if (got.length !== want.length || !timingSafeEqual(got, want)) return null;
    const claims = JSON.parse(Buffer.from(parts[1], 'base64url'));
    if (typeof claims.sub !== 'string' || !claims.sub) return null;
    if (typeof claims.exp === 'number' && claims.exp * 1000 <= Date.now()) return null;
    return claims.sub;
  } catch { return null; }
}

const fail = (code, message) => ({ success: false, error: { code, message } });
const member = (conv, user) => conv && conv.participants.has(user);

function conversationJson(c) {
  const participants = [...c.participants].map((u) => ({ userId: u, role: u === c.createdBy ? 'admin' : 'member', joinedAt: c.createdAt }));
  return { id: c.id, type: c.type, name: c.name, createdBy: c.createdBy, participants, metadata: {}, lastMessage: null, lastMessageAt: null, createdAt: c.createdAt, updatedAt: c.createdAt };
}

function createConversation(user, body) {
  const ids = Array.isArray(body?.participantIds) ? body.participantIds.filter((x) => typeof x === 'string') : [];
  const c = { id: randomUUID(), type: body?.type === 'direct' ? 'direct' : 'group', name: body?.name ?? null, createdBy: user, participants: new Set([user, ...ids]), seq: 0, createdAt: new Date().toISOString() };
  conversations.set(c.id, c);
  for (const u of c.participants) {
    if (!byUser.has(u)) byUser.set(u, new Set());
    byUser.get(u).add(c.id);
  }
  return c;
}

const http = createServer((req, res) => {
  const reply = (status, body) => { res.writeHead(status, { 'content-type': 'application/json' }); res.end(JSON.stringify(body)); };
  if (req.method === 'GET' && req.url === '/health') return reply(200, { status: 'ok' });
  if (req.method === 'POST' && req.url === '/api/v1/conversations') {
    const user = verify((req.headers.authorization ?? '').replace(/^Bearer /, ''));
    if (!user) return reply(401, fail('UNAUTHORIZED', 'invalid token'));
    let text = '';
    req.on('data', (d) => { text += d; });
    req.on('end', () => {
      let body;
      try { body = JSON.parse(text); } catch { return reply(400, fail('VALIDATION_ERROR', 'bad json')); }
      const c = createConversation(user, body);
      const json = conversationJson(c);
      const users = [...c.participants].map((u) => `user:${u}`);
      io.in(users).socketsJoin(`conversation:${c.id}`);
      io.to(users).emit('conversation:new', json);
      reply(201, json);
    });
    return;
  }
  // socket.io answers its own path; everything else is 404.
  if (!req.url.startsWith('/socket.io/')) reply(404, fail('NOT_FOUND', 'not found'));
});

const io = new Server(http, { pingInterval: 25000, pingTimeout: 20000, maxHttpBufferSize: 1e6, cors: { origin: '*' } });

io.use((socket, next) => {
  const user = verify(socket.handshake.auth?.token);
  if (!user) return next(new Error('Authentication failed'));
  socket.data.userId = user;
  next();
});

io.on('connection', (socket) => {
  const user = socket.data.userId;
  const convs = [...(byUser.get(user) ?? [])];
  socket.join([`user:${user}`, ...convs.map((id) => `conversation:${id}`)]);
  const count = (online.get(user) ?? 0) + 1;
  online.set(user, count);
  const now = new Date().toISOString();
  socket.emit('connected', { userId: user, socketId: socket.id, rooms: convs.length + 1, timestamp: now });
  if (count === 1) for (const id of convs) socket.to(`conversation:${id}`).except(`user:${user}`).emit('user:online', { userId: user, conversationId: id, timestamp: now });

  socket.on('message:send', (payload, ack) => {
    const conv = conversations.get(payload?.conversationId);
    let reply;
    if (!member(conv, user)) reply = fail('FORBIDDEN', 'Not a participant of this conversation');
    else if (typeof payload.content !== 'string' || payload.content.length === 0) reply = fail('VALIDATION_ERROR', 'content is required');
    else {
      const at = new Date().toISOString();
      const m = { id: randomUUID(), conversationId: conv.id, seq: ++conv.seq, senderId: user, content: payload.content, attachments: [], replyTo: payload.replyTo ?? null, metadata: payload.metadata ?? {}, isEdited: false, isDeleted: false, createdAt: at, updatedAt: at, deletedAt: null };
      io.to(`conversation:${conv.id}`).emit('message:new', m);
      reply = { success: true, message: m };
    }
    if (typeof ack === 'function') ack(reply);
  });

  socket.on('room:join', (payload, ack) => {
    const conv = conversations.get(payload?.conversationId);
    if (!member(conv, user)) return typeof ack === 'function' && ack(fail('FORBIDDEN', 'Not a participant of this conversation'));
    socket.join(`conversation:${conv.id}`);
    if (typeof ack === 'function') ack({ success: true, room: conv.id });
  });

  socket.on('ping', (_payload, ack) => {
    const timestamp = Date.now();
    socket.emit('pong', { timestamp });
    if (typeof ack === 'function') ack({ event: 'pong', timestamp });
  });

  socket.on('disconnect', () => {
    const left = (online.get(user) ?? 1) - 1;
    if (left > 0) { online.set(user, left); return; }
    online.delete(user);
    const at = new Date().toISOString();
    for (const id of byUser.get(user) ?? []) io.to(`conversation:${id}`).except(`user:${user}`).emit('user:offline', { userId: user, conversationId: id, timestamp: at });
  });
});

http.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? '127.0.0.1', () => {
  console.log(`listening ${http.address().port}`);
});
process.on('SIGTERM', () => { io.close(); http.close(() => process.exit(0)); setTimeout(() => process.exit(0), 2000).unref(); });
