// The people a manager can give an episode to: the active social workers and managers of their
// organisation (GET /api/v1/workers), by team then username; asked once per page load.
import { get } from './api.js';
import { state } from './state.js';

export async function loadWorkers() {
  if (state.workers) return state.workers;
  const { data } = await get('/api/v1/workers');
  state.workers = data.items.map((w) => ({ id: w.id, username: w.username, team: w.team?.name ?? null, role: w.role }));
  return state.workers;
}
