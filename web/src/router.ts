// Hash routes: #/ (fleet), #/locks/<id>, #/cases, #/cases/<id>, #/codes. The hub
// answers index.html for every non-API path, so hash routes need nothing of it.

export type Route =
  | { view: 'fleet' }
  | { view: 'lock'; id: string }
  | { view: 'cases' }
  | { view: 'codes' }
  | { view: 'case'; id: string }
  | { view: 'not_found'; path: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '').replace(/\?.*$/, '') || '/';
  const parts = path.split('/').filter(Boolean).map((p) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return p;
    }
  });
  if (parts.length === 0) return { view: 'fleet' };
  if (parts[0] === 'locks' && parts.length === 1) return { view: 'fleet' };
  if (parts[0] === 'locks' && parts.length === 2) return { view: 'lock', id: parts[1] };
  if (parts[0] === 'cases' && parts.length === 1) return { view: 'cases' };
  if (parts[0] === 'codes' && parts.length === 1) return { view: 'codes' };
  if (parts[0] === 'cases' && parts.length === 2) return { view: 'case', id: parts[1] };
  return { view: 'not_found', path };
}

export const href = {
  fleet: () => '#/',
  lock: (id: string) => `#/locks/${encodeURIComponent(id)}`,
  cases: () => '#/cases',
  codes: () => '#/codes',
  case: (id: number | string) => `#/cases/${encodeURIComponent(String(id))}`,
};
