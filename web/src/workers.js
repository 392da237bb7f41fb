// The people a manager can give an episode to: social workers and managers of their organisation.
// GET /api/v1/workers is asked of the server in web/API-NEEDS.md; until it answers, the list is
// the workers who hold work now (the overdue summary's by_worker) and the manager themself.
import { ApiError, get } from './api.js';
import { state } from './state.js';

export async function loadWorkers() {
  if (state.workers) return state.workers;
  let workers;
  try {
    const { data } = await get('/api/v1/workers');
    workers = data.items.map((w) => ({ id: w.id, username: w.username, team: w.team?.name ?? null, role: w.role }));
  } catch (error) {
    if (!(error instanceof ApiError) || error.status !== 404) throw error;
    const { data } = await get('/api/v1/overdue/summary');
    const seen = new Map();
    for (const w of data.by_worker) {
      if (w.user_id && !seen.has(w.user_id)) seen.set(w.user_id, { id: w.user_id, username: w.username, team: w.team });
    }
    const me = state.session.user;
    if (!seen.has(me.id)) seen.set(me.id, { id: me.id, username: me.username, team: null });
    workers = [...seen.values()].sort((a, b) => a.username.localeCompare(b.username));
  }
  state.workers = workers;
  return workers;
}
