// chatgate's web client: plain JS over the REST API (same origin) and the official
// socket.io-client (served by chatgate at /socket.io.min.js). No framework, no build step.
'use strict';

const $ = (id) => document.getElementById(id);
const state = {
  token: null, me: null, socket: null,
  conversations: new Map(),   // id -> conversation object (REST shape: the server's lastReadSeq, unreadCount)
  order: [],                  // conversation ids, latest activity first
  current: null,              // open conversation id
  messages: new Map(),        // id -> message, of the open conversation
  cursor: null,               // nextCursor for older messages of the open conversation
  loadingOlder: false,
  online: new Set(),
  typing: new Map(),          // conversationId -> Map(userId -> timer)
  lastTypingSent: 0,
};

// --- token ------------------------------------------------------------------------------------
function tokenFromHash() {
  const m = location.hash.match(/token=([^&]+)/);
  if (!m) return null;
  history.replaceState(null, '', location.pathname + location.search);  // out of the address bar
  return decodeURIComponent(m[1]);
}

function userOf(token) {
  try {
    const part = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const claims = JSON.parse(atob(part + '='.repeat((4 - part.length % 4) % 4)));
    return claims.externalUserId || claims.sub || null;
  } catch { return null; }
}

// --- REST -------------------------------------------------------------------------------------
async function api(method, path, body) {
  const res = await fetch('/api/v1' + path, {
    method,
    headers: { authorization: 'Bearer ' + state.token, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const data = res.status === 204 ? null : await res.json();
  if (!res.ok) {
    const err = new Error(data?.message || res.statusText);
    err.code = data?.code; err.status = res.status;
    throw err;
  }
  return data;
}

// --- rendering --------------------------------------------------------------------------------
function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

function others(c) { return c.participants.map((p) => p.userId).filter((u) => u !== state.me); }
function titleOf(c) { return c.name || others(c).join(', ') || '(just you)'; }
function anyOnline(c) { return others(c).some((u) => state.online.has(u)); }

function sortConversations() {
  state.order = [...state.conversations.values()]
    .sort((a, b) => (b.lastMessageAt || b.updatedAt).localeCompare(a.lastMessageAt || a.updatedAt))
    .map((c) => c.id);
}

function renderConversations() {
  const list = $('conversations');
  list.replaceChildren(...state.order.map((id) => {
    const c = state.conversations.get(id);
    const unread = c.unreadCount > 0 ? String(c.unreadCount) : '';
    return el('li', { class: id === state.current ? 'active' : '', 'data-id': id, onclick: () => openConversation(id) },
      el('span', { class: 'dot' + (anyOnline(c) ? ' online' : ''), title: anyOnline(c) ? 'online' : 'offline' }),
      el('span', { class: 'name' }, titleOf(c)),
      el('span', { class: 'badge', 'data-unread': String(c.unreadCount || 0) }, unread));
  }));
}

function renderHeader() {
  const c = state.conversations.get(state.current);
  if (!c) { $('chat-header').textContent = 'Choose a conversation'; return; }
  $('chat-header').replaceChildren(el('span', {}, titleOf(c)), el('span', { class: 'who' },
    ...others(c).map((u) => el('span', {}, el('span', { class: 'dot' + (state.online.has(u) ? ' online' : '') }), u))));
}

function messageNode(m) {
  const mine = m.senderId === state.me;
  const time = new Date(m.createdAt).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  const text = m.isDeleted ? 'message deleted' : m.content;
  const actions = el('span', { class: 'actions' });
  if (!m.isDeleted && mine) {
    actions.append(el('button', { type: 'button', onclick: () => editMessage(m) }, 'edit'),
      el('button', { type: 'button', onclick: () => deleteMessage(m) }, 'delete'));
  }
  if (!m.isDeleted) actions.append(el('button', { type: 'button', class: 'react-open', title: 'react', onclick: (e) => togglePicker(e) }, '☺+'));
  return el('div', { class: 'msg' + (mine ? ' mine' : '') + (m.isDeleted ? ' deleted' : ''), 'data-id': m.id, 'data-seq': String(m.seq) },
    el('div', { class: 'meta' }, el('span', {}, m.senderId), el('span', {}, time + (m.isEdited && !m.isDeleted ? ' (edited)' : '')), actions),
    el('div', { class: 'text' }, text),
    ...(m.isDeleted ? [] : [reactionsNode(m)]));
}

// Reactions (contract §8): one chip per emoji in the server's order (first use), "emoji count";
// a chip of mine is marked and clicking a chip toggles my reaction. The picker offers a few.
const QUICK_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢'];
function reactionsNode(m) {
  const chips = (m.reactions || []).map((r) => el('button', {
    type: 'button', class: 'reaction' + (r.userIds.includes(state.me) ? ' mine' : ''),
    'data-emoji': r.emoji, title: r.userIds.join(', '), onclick: () => toggleReaction(m.id, r.emoji),
  }, `${r.emoji} ${r.count}`));
  const picker = el('span', { class: 'picker' }, ...QUICK_EMOJI.map((e) =>
    el('button', { type: 'button', class: 'pick', 'data-emoji': e, onclick: () => toggleReaction(m.id, e) }, e)));
  return el('div', { class: 'reactions' }, ...chips, picker);
}

function togglePicker(event) {
  event.target.closest('.msg').querySelector('.picker')?.classList.toggle('open');
}

function renderMessages({ keepBottom = false, keepOffsetFrom = null } = {}) {
  const box = $('messages');
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 40;
  const sorted = [...state.messages.values()].sort((a, b) => a.seq - b.seq);
  box.replaceChildren(...(state.cursor ? [el('div', { class: 'loading' }, 'scroll up for older messages')] : []),
    ...sorted.map(messageNode));
  if (keepOffsetFrom !== null) box.scrollTop = box.scrollHeight - keepOffsetFrom;
  else if (keepBottom || atBottom) box.scrollTop = box.scrollHeight;
}

function renderTyping() {
  const who = [...(state.typing.get(state.current)?.keys() || [])];
  $('typing').textContent = who.length === 0 ? '' : `${who.join(', ')} ${who.length === 1 ? 'is' : 'are'} typing…`;
}

function setStatus(text, online) {
  $('status').textContent = text;
  $('status').classList.toggle('online', online);
}

// --- conversations and messages ---------------------------------------------------------------
async function loadConversations() {
  const page = await api('GET', '/conversations?limit=100');
  state.conversations = new Map(page.items.map((c) => [c.id, c]));
  sortConversations();
  await refreshPresence();
  renderConversations();
  if (state.current && !state.conversations.has(state.current)) closeConversation();
}

async function refreshPresence() {
  const ids = [...new Set([...state.conversations.values()].flatMap(others))].slice(0, 1000);
  if (ids.length === 0) return;
  const r = await api('POST', '/presence', { userIds: ids });
  state.online = new Set(r.online);
}

function closeConversation() {
  state.current = null;
  state.messages.clear();
  $('composer').hidden = true;
  $('messages').replaceChildren();
  renderHeader();
  renderTyping();
}

async function openConversation(id) {
  if (state.current && state.current !== id) stopTyping();
  state.current = id;
  state.messages.clear();
  state.cursor = null;
  $('composer').hidden = false;
  renderHeader();
  renderConversations();
  renderTyping();
  const page = await api('GET', `/conversations/${id}/messages?limit=30`);
  if (state.current !== id) return;
  for (const m of page.items) state.messages.set(m.id, m);
  state.cursor = page.nextCursor;
  renderMessages({ keepBottom: true });
  markRead(id);
  $('content').focus();
}

async function loadOlder() {
  if (!state.current || !state.cursor || state.loadingOlder) return;
  state.loadingOlder = true;
  const id = state.current;
  try {
    const page = await api('GET', `/conversations/${id}/messages?limit=30&before=${encodeURIComponent(state.cursor)}`);
    if (state.current !== id) return;
    const fromBottom = $('messages').scrollHeight - $('messages').scrollTop;
    for (const m of page.items) state.messages.set(m.id, m);
    state.cursor = page.nextCursor;
    renderMessages({ keepOffsetFrom: fromBottom });
  } finally { state.loadingOlder = false; }
}

/// Messages of the open conversation that arrived while disconnected (when not recovered).
async function catchUp() {
  if (!state.current) return;
  const last = [...state.messages.values()].sort((a, b) => b.seq - a.seq)[0];
  const q = last ? `after=${last.id}&limit=100` : 'limit=30';
  const page = await api('GET', `/conversations/${state.current}/messages?${q}`);
  for (const m of page.items) state.messages.set(m.id, m);
  renderMessages();
}

/// The open conversation counts as read: the server's read state (contract §8) moves to the
/// newest message this page knows, and its answer (also sent to this user's other tabs as
/// conversation:read) sets the unread count shown.
function markRead(id = state.current) {
  const c = state.conversations.get(id);
  if (!c || !state.socket) return;
  const seq = Math.max(c.lastMessage?.seq ?? 0,
    ...[...state.messages.values()].filter((m) => m.conversationId === id).map((m) => m.seq));
  if (seq <= (c.lastReadSeq ?? 0) && !c.unreadCount) return;
  emit('conversation:read', { conversationId: id, seq }).then((ack) => onRead(ack.data), () => {});
}

function onRead(r) {
  const c = state.conversations.get(r.conversationId);
  if (!c || r.userId !== state.me) return;
  c.lastReadSeq = r.lastReadSeq;
  c.unreadCount = r.unreadCount;
  renderConversations();
}

// --- actions ----------------------------------------------------------------------------------
function emit(event, payload) {
  return new Promise((resolve, reject) => {
    state.socket.timeout(8000).emit(event, payload, (err, ack) => {
      if (err) return reject(err);
      if (!ack?.success) return reject(new Error(ack?.error?.message || 'failed'));
      resolve(ack);
    });
  });
}

async function send(content) {
  stopTyping();
  const ack = await emit('message:send', { conversationId: state.current, content });
  onMessage(ack.message);
}

async function editMessage(m) {
  const content = prompt('Edit message', m.content);
  if (content === null || content.trim() === '' || content === m.content) return;
  await emit('message:edit', { messageId: m.id, content }).catch((e) => alert(e.message));
}

async function deleteMessage(m) {
  if (!confirm('Delete this message?')) return;
  await emit('message:delete', { messageId: m.id }).catch((e) => alert(e.message));
}

async function toggleReaction(messageId, emoji) {
  const m = state.messages.get(messageId);
  const mine = (m?.reactions || []).some((r) => r.emoji === emoji && r.userIds.includes(state.me));
  const ack = await emit(mine ? 'message:unreact' : 'message:react', { messageId, emoji })
    .catch((e) => { alert(e.message); return null; });
  if (ack) onMessageChanged({ id: messageId, reactions: ack.message.reactions });
}

function startTyping() {
  if (!state.current || Date.now() - state.lastTypingSent < 1000) return;
  state.lastTypingSent = Date.now();
  state.socket.emit('typing:start', { conversationId: state.current });
}

function stopTyping() {
  if (!state.current || state.lastTypingSent === 0) return;
  state.lastTypingSent = 0;
  state.socket.emit('typing:stop', { conversationId: state.current });
}

// --- socket events ----------------------------------------------------------------------------
function onMessage(m) {
  const c = state.conversations.get(m.conversationId);
  if (c) {
    c.lastMessage = m;
    c.lastMessageAt = m.createdAt;
    const isNew = m.conversationId !== state.current || !state.messages.has(m.id);
    if (m.senderId !== state.me && isNew && (m.conversationId !== state.current || document.hidden)) {
      c.unreadCount = (c.unreadCount || 0) + 1;
    }
    sortConversations();
    renderConversations();
  }
  if (m.conversationId !== state.current) return;
  state.messages.set(m.id, m);
  renderMessages({ keepBottom: m.senderId === state.me });
  if (!document.hidden) markRead();
}

function onMessageChanged(m) {
  if (!state.messages.has(m.id)) return;
  state.messages.set(m.id, { ...state.messages.get(m.id), ...m });
  renderMessages();
}

function onTyping({ conversationId, userId, isTyping }) {
  if (!state.typing.has(conversationId)) state.typing.set(conversationId, new Map());
  const users = state.typing.get(conversationId);
  clearTimeout(users.get(userId));
  if (isTyping) users.set(userId, setTimeout(() => { users.delete(userId); renderTyping(); }, 6000));
  else users.delete(userId);
  renderTyping();
}

function onPresence(online) {
  return ({ userId }) => {
    if (online) state.online.add(userId); else state.online.delete(userId);
    renderConversations();
    renderHeader();
  };
}

function connect() {
  const cfgPort = state.socketPort;
  const url = !cfgPort || String(cfgPort) === location.port
    ? location.origin : `${location.protocol}//${location.hostname}:${cfgPort}`;
  // Connection state recovery needs no client option: when the server runs with
  // RECOVERY_WINDOW_MS > 0 its CONNECT answer carries a pid, socket.io-client sends it back with
  // the last offset on reconnect and sets socket.recovered; the missed message events then
  // arrive before `connect` (their extra last argument, the offset, is ignored here).
  const socket = io(url, { auth: { token: state.token } });
  state.socket = socket;
  socket.on('connect', () => setStatus('online', true));
  socket.on('disconnect', () => setStatus('reconnecting', false));
  socket.io.on('reconnect_attempt', () => setStatus('reconnecting', false));
  socket.on('connected', async () => {
    setStatus('online', true);
    await loadConversations();
    if (state.current && !socket.recovered) await catchUp();
  });
  socket.on('error', (e) => {
    if (e?.code === 'UNAUTHORIZED') { signOut(); $('signin-error').textContent = 'The token was refused: ' + e.message; }
  });
  socket.on('message:new', onMessage);
  socket.on('message:updated', (u) => onMessageChanged({ id: u.messageId, content: u.content, isEdited: u.isEdited, updatedAt: u.updatedAt }));
  socket.on('message:deleted', (d) => onMessageChanged({ id: d.messageId, isDeleted: true, content: '', deletedAt: d.deletedAt }));
  socket.on('message:reaction', (r) => onMessageChanged({ id: r.messageId, reactions: r.reactions }));
  socket.on('typing', onTyping);
  socket.on('conversation:read', onRead);
  socket.on('user:online', onPresence(true));
  socket.on('user:offline', onPresence(false));
  for (const ev of ['conversation:new', 'conversation:joined', 'conversation:updated']) {
    socket.on(ev, (c) => {
      state.conversations.set(c.id, { ...state.conversations.get(c.id), ...c });
      sortConversations();
      refreshPresence().then(renderConversations, renderConversations);
      if (c.id === state.current) renderHeader();
    });
  }
  socket.on('conversation:removed', ({ conversationId }) => {
    state.conversations.delete(conversationId);
    sortConversations();
    renderConversations();
    if (state.current === conversationId) closeConversation();
  });
}

// --- start ------------------------------------------------------------------------------------
function signOut() {
  state.socket?.close();
  state.socket = null;
  localStorage.removeItem('chatgate.token');
  $('app').hidden = true;
  $('signin').hidden = false;
}

async function signIn(token) {
  const me = userOf(token);
  if (!me) { $('signin-error').textContent = 'That is not a JWT.'; return; }
  state.token = token;
  state.me = me;
  localStorage.setItem('chatgate.token', token);
  $('me').textContent = me;
  $('signin').hidden = true;
  $('app').hidden = false;
  try { state.socketPort = (await (await fetch('/web-config.json')).json()).socketPort; } catch { /* same origin */ }
  connect();
}

function wire() {
  $('signin-form').addEventListener('submit', (e) => { e.preventDefault(); signIn($('token').value.trim()); });
  $('signout').addEventListener('click', signOut);
  $('composer').addEventListener('submit', (e) => {
    e.preventDefault();
    const content = $('content').value;
    if (content.trim() === '') return;
    $('content').value = '';
    send(content).catch((err) => { $('content').value = content; alert(err.message); });
  });
  $('content').addEventListener('input', () => ($('content').value ? startTyping() : stopTyping()));
  $('content').addEventListener('blur', stopTyping);
  $('messages').addEventListener('scroll', () => { if ($('messages').scrollTop < 60) loadOlder(); });
  $('new-conversation').addEventListener('submit', async (e) => {
    e.preventDefault();
    const ids = $('new-ids').value.split(',').map((s) => s.trim()).filter(Boolean);
    if (ids.length === 0) return;
    const body = ids.length === 1 ? { type: 'direct', participantIds: ids } : { type: 'group', name: ids.join(', '), participantIds: ids };
    try {
      const c = await api('POST', '/conversations', body);
      $('new-ids').value = '';
      state.conversations.set(c.id, c);
      sortConversations();
      renderConversations();
      openConversation(c.id);
    } catch (err) { alert(err.message); }
  });
  document.addEventListener('visibilitychange', () => { if (!document.hidden) markRead(); });
}

wire();
const initial = tokenFromHash() || localStorage.getItem('chatgate.token');
if (initial) signIn(initial); else $('signin').hidden = false;
