// Every call to Homeward's API. The session is the HttpOnly cookie set at sign-in, which this
// script never sees; each request says it comes from the web application (X-Homeward-Web: 1)
// and the browser adds the Origin that the server checks on unsafe methods.

export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail ?? `HTTP ${status}`);
    this.status = status;
    this.problem = problem ?? {};
  }

  // {field: message} from a 422's errors.
  get fields() {
    const out = {};
    for (const e of this.problem.errors ?? []) {
      if (!(e.field in out)) out[e.field] = e.message;
    }
    return out;
  }
}

let sessionEnded = () => {};

// Called with the problem's reason (idle, expired, signed_out, none) when a call answers 401.
export function onSessionEnded(handler) {
  sessionEnded = handler;
}

// `file`: a File or Blob sent as the body as it is, with its own type (a photograph).
export async function api(method, path, { body, file, etag, headers = {}, quiet401 = false } = {}) {
  const sent = { 'X-Homeward-Web': '1', Accept: 'application/json', ...headers };
  if (body !== undefined) sent['Content-Type'] = 'application/json';
  if (file) sent['Content-Type'] = file.type || 'application/octet-stream';
  if (etag) sent['If-Match'] = etag;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers: sent,
      body: file ?? (body === undefined ? undefined : JSON.stringify(body)),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, {
      title: 'No connection',
      detail: 'Homeward could not be reached. Check your connection and try again.',
    });
  }
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await response.json() : null;
  if (!response.ok) {
    const error = new ApiError(response.status, data);
    if (response.status === 401 && !quiet401) sessionEnded(data?.reason ?? 'none');
    throw error;
  }
  return { status: response.status, data, etag: response.headers.get('etag') };
}

export const get = (path, options) => api('GET', path, options);
export const post = (path, body, options = {}) => api('POST', path, { ...options, body });
export const put = (path, body, options = {}) => api('PUT', path, { ...options, body });
export const upload = (path, file) => api('PUT', path, { file });
export const patch = (path, body, options = {}) => api('PATCH', path, { ...options, body });
export const remove = (path, options) => api('DELETE', path, options);

// Query strings from an object, leaving out empty values.
export function query(params) {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== null && value !== '') search.set(key, value);
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}
