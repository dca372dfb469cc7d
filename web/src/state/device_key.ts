// This browser's own Ed25519 key for end-to-end commands (docs/protocol.md
// 5.5, docs/security.md). WebCrypto makes it non-extractable: scripts — this
// app's included — can ask it to sign but can never read its private half.
// It is kept in IndexedDB (a CryptoKey survives there as an opaque handle),
// paired with a lock through the hub's pairing (the lock's label code), and
// signs lock/unlock commands in the browser; the hub relays them unchanged
// and cannot forge one for this key.
//
// The counter of each command is max(last + 1, now in ms), stored before the
// command leaves, so it rises strictly even across tabs that interleave and
// after the browser's clock steps back.

const kDatabase = 'lockwarden';
const kStore = 'device-key';
const kRecord = 'key';

export interface DeviceKey {
  keyId: string;
  /** Base64 of the 32-byte raw public key, as the hub and the lock know it. */
  publicKey: string;
  privateKey: CryptoKey;
}

interface Stored extends DeviceKey {
  counter: number;
}

export interface SignedCommand {
  id: string;
  envelope: string;
}

function toBase64(bytes: ArrayBuffer): string {
  let s = '';
  for (const b of new Uint8Array(bytes)) s += String.fromCharCode(b);
  return btoa(s);
}

function randomHex(bytes: number): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

function open(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(kDatabase, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(kStore);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB cannot be opened'));
  });
}

/** Runs `body` on the store in one transaction and resolves when it has committed. */
async function withStore<T>(mode: IDBTransactionMode, body: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  const db = await open();
  try {
    return await new Promise<T | undefined>((resolve, reject) => {
      const tx = db.transaction(kStore, mode);
      const req = body(tx.objectStore(kStore));
      tx.oncomplete = () => resolve(req ? req.result : undefined);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  } finally {
    db.close();
  }
}

let support: Promise<boolean> | null = null;

/**
 * Whether this browser can hold a non-extractable Ed25519 key here: WebCrypto
 * (a secure context: https, or the hub on localhost) with Ed25519, and IndexedDB.
 */
export function deviceKeysSupported(): Promise<boolean> {
  support ??= (async () => {
    if (!window.isSecureContext || !crypto.subtle || !('indexedDB' in window)) return false;
    try {
      await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify']);
      return true;
    } catch {
      return false;
    }
  })();
  return support;
}

/** The browser's key, or null when none was made yet. */
export async function loadDeviceKey(): Promise<DeviceKey | null> {
  const stored = (await withStore<Stored>('readonly', (s) => s.get(kRecord) as IDBRequest<Stored>)) ?? null;
  return stored ? { keyId: stored.keyId, publicKey: stored.publicKey, privateKey: stored.privateKey } : null;
}

/** The browser's key; made (non-extractable) and kept on first use. */
export async function ensureDeviceKey(): Promise<DeviceKey> {
  const existing = await loadDeviceKey();
  if (existing) return existing;
  const pair = (await crypto.subtle.generateKey({ name: 'Ed25519' }, false, ['sign', 'verify'])) as CryptoKeyPair;
  const publicKey = toBase64(await crypto.subtle.exportKey('raw', pair.publicKey));
  const stored: Stored = { keyId: `web-${randomHex(4)}`, publicKey, privateKey: pair.privateKey, counter: 0 };
  await withStore('readwrite', (s) => {
    s.add(stored, kRecord);
  });
  // Another tab may have made one at the same moment: the stored one wins.
  return (await loadDeviceKey()) ?? stored;
}

/** Takes the next counter value and stores it, before anything is signed with it. */
async function nextCounter(): Promise<number> {
  let next = 0;
  await withStore('readwrite', (s) => {
    const req = s.get(kRecord) as IDBRequest<Stored | undefined>;
    req.onsuccess = () => {
      const stored = req.result;
      if (!stored) return;
      next = Math.max(stored.counter + 1, Date.now());
      s.put({ ...stored, counter: next }, kRecord);
    };
  });
  if (next === 0) throw new Error('this browser has no key');
  return next;
}

/**
 * A lock, unlock or unlatch command for `site`/`lock`, signed by the browser's
 * key: the envelope of docs/protocol.md 5.1 with the body of 5.2, valid 30 s.
 */
export async function signCommand(key: DeviceKey, site: string, lock: string, action: 'lock' | 'unlock' | 'unlatch'): Promise<SignedCommand> {
  const counter = await nextCounter();
  const issued = Date.now();
  const id = `act-${randomHex(8)}`;
  const body = JSON.stringify({
    v: 1,
    id,
    site,
    lock,
    action,
    issued_ms: issued,
    expires_ms: issued + 30_000,
    counter,
    key_id: key.keyId,
  });
  const sig = await crypto.subtle.sign({ name: 'Ed25519' }, key.privateKey, new TextEncoder().encode(body));
  return { id, envelope: JSON.stringify({ v: 1, key_id: key.keyId, body, sig: toBase64(sig) }) };
}
