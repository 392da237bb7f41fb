// What the pages share: who is signed in, a message for the next page, and the episode last
// shown with its ETag (the version every event is sent against).
export const state = {
  session: null,
  flash: null,
  episodes: new Map(), // id → {episode, etag}
};

export function setFlash(type, title, text) {
  state.flash = { type, title, text };
}

export function takeFlash() {
  const flash = state.flash;
  state.flash = null;
  return flash;
}

export function homeFor(session) {
  if (!session) return '/sign-in';
  return session.user.role === 'police' ? '/police' : '/my-work';
}
