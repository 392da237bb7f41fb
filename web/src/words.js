// Everything the pages say about states, events, clocks and times, in one place.

export const stateNames = {
  missing: 'Missing',
  returned: 'Returned',
  interview_offered: 'Interview offered',
  interviewed: 'Interviewed',
  follow_up: 'Follow-up',
  closed: 'Closed',
  cancelled: 'Cancelled',
};

export const stateColours = {
  missing: 'govuk-tag--red',
  returned: 'govuk-tag--blue',
  interview_offered: 'govuk-tag--light-blue',
  interviewed: 'govuk-tag--purple',
  follow_up: 'govuk-tag--yellow',
  closed: 'govuk-tag--grey',
  cancelled: 'govuk-tag--grey',
};

export const openStates = 'missing,returned,interview_offered,interviewed,follow_up';
export const socialWorkStates = 'returned,interview_offered,interviewed,follow_up';

// The button that opens an event's form, and the history entry it leaves.
export const events = {
  report: { done: 'Reported missing' },
  risk: { action: 'Change the risk grade', done: 'Risk grade changed' },
  return: { action: 'Record the return', done: 'Child returned' },
  'safe-and-well': { action: 'Record the safe and well check', done: 'Safe and well check recorded' },
  assign: { action: 'Take this episode', done: 'Episode taken' },
  'interview-offer': { action: 'Offer the return interview', done: 'Return interview offered' },
  interview: { action: 'Record the return interview', done: 'Return interview held' },
  'interview-declined': { action: 'Record that the child declined', done: 'Child declined the interview' },
  actions: { action: 'Add a follow-up action', done: 'Follow-up action added' },
  'action-complete': { action: 'Mark an action done', done: 'Follow-up action done' },
  'action-cancel': { action: 'Cancel an action', done: 'Follow-up action cancelled' },
  'action-reassign': { action: 'Give an action to someone else', done: 'Follow-up action given to someone else' },
  'sign-off': { action: 'Sign off', done: 'Signed off by the CSE champion' },
  close: { action: 'Close the episode', done: 'Episode closed' },
  cancel: { action: 'Cancel the report', done: 'Report cancelled' },
  reopen: { action: 'Reopen the episode', done: 'Episode reopened' },
};

export const clockNames = {
  safe_and_well: 'Police safe and well check',
  interview_offered: 'Offer the return interview',
  interview_held: 'Hold the return interview',
  further_offer: 'Make a further interview offer',
  follow_up_action: 'Follow-up action',
  long_missing: 'Long missing: child still missing',
  repeat_missing_review: 'Repeat missing: multi-agency review',
  cse_reassessment: 'CSE risk reassessment',
  profile_review: "Review the child's profile",
};

export const roleNames = {
  police: 'Police',
  social_worker: 'Social worker',
  manager: 'Manager',
  cse_champion: 'CSE champion',
  data_protection_officer: 'Data protection officer',
  admin: 'Administrator',
};

export const actionTypes = {
  child_protection_referral: 'Child protection referral',
  cse_referral: 'CSE referral',
  health: 'Health',
  education: 'Education',
  police_intelligence: 'Police intelligence',
  safety_plan: 'Safety plan',
  multi_agency_meeting: 'Multi-agency meeting',
};

export const riskNames = { none: 'None', low: 'Low', medium: 'Medium', high: 'High' };
export const riskOrder = ['none', 'low', 'medium', 'high'];

const dateTime = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  hour: 'numeric',
  minute: '2-digit',
  hour12: true,
});
const dateOnly = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric' });

export function when(iso) {
  if (!iso) return '';
  return dateTime.format(new Date(iso)).replace(' am', 'am').replace(' pm', 'pm');
}

export function day(isoDate) {
  if (!isoDate) return '';
  const [y, m, d] = isoDate.split('-').map(Number);
  return dateOnly.format(new Date(y, m - 1, d));
}

function amount(value, unit) {
  return `${value} ${unit}${value === 1 ? '' : 's'}`;
}

// A length of time in words: "30 seconds", "45 minutes", "5 hours", "3 days".
export function duration(seconds) {
  const whole = Math.round(Math.abs(seconds));
  if (whole < 60) return amount(whole, 'second');
  const minutes = Math.round(whole / 60);
  if (minutes < 60) return amount(minutes, 'minute');
  const hours = Math.round(minutes / 60);
  if (hours < 48) return amount(hours, 'hour');
  return amount(Math.round(hours / 24), 'day');
}

// "3 hours overdue" or "due in 5 hours", from the due time and now.
export function timeLeft(dueAt, now = Date.now()) {
  const seconds = (new Date(dueAt).getTime() - now) / 1000;
  return seconds < 0 ? `${duration(seconds)} overdue` : `due in ${duration(seconds)}`;
}

export function childName(child) {
  if (!child) return 'Unknown child';
  return `${child.given_name} ${child.family_name}`;
}

export function list(items) {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

// A 409 in words: why, the state the episode is in now, and what may be done. The server's detail
// ends with "(episode is STATE; allowed events: ...)", which is said here in words instead.
export function conflictInWords(problem) {
  const detail = problem.detail ?? '';
  const state = /episode is (\w+)/.exec(detail)?.[1];
  const why = detail.replace(/\s*\(episode is [^)]*\)/, '').replace(/^the episode is \w+[^:]*:?\s*/i, '');
  const allowed = (problem.allowed_events ?? []).map((e) => events[e]?.action?.toLowerCase() ?? e);
  const parts = [];
  if (why) parts.push(sentence(why));
  if (state) parts.push(`The episode is ${stateNames[state]?.toLowerCase() ?? state} now.`);
  parts.push(allowed.length ? `What can be done now: ${list(allowed)}.` : 'Nothing more can be done to it by you now.');
  return parts.join(' ');
}

export function sentence(text) {
  if (!text) return '';
  const first = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

// Notifications: what each kind says in the inbox. Clock notifications name the clock's kind.
export const notificationKinds = {
  episode_reported: 'Child reported missing',
  child_returned: 'Child returned',
  clock_due_soon: 'Due soon',
  clock_overdue: 'Overdue',
  long_missing: 'Long missing',
  repeat_missing: 'Repeat missing: a multi-agency review is due',
  cse_risk_raised: 'CSE risk for your attention',
  entity_linked: 'A person, place or vehicle links several children',
  webhook_changed: 'Your organisation’s webhook changed',
  episode_assigned: 'An episode is now yours',
  action_assigned: 'A follow-up action is now yours',
};

// The notification's headline in words: "Overdue: Offer the return interview".
export function notificationTitle(n) {
  const clock = n.body?.kind && clockNames[n.body.kind];
  if ((n.kind === 'clock_overdue' || n.kind === 'clock_due_soon') && clock) {
    return `${notificationKinds[n.kind]}: ${clock}`;
  }
  if (n.kind === 'cse_risk_raised' && n.body?.cse_risk) {
    return `CSE risk ${n.body.cse_risk} recorded: for your attention`;
  }
  return notificationKinds[n.kind] ?? n.title;
}

// Where a notification leads: its episode, else its child, else nowhere (read in the inbox).
// Repeat missing is about the child, not the one report that tipped it: it leads to the child.
export function notificationHref(n) {
  const episode = n.episode_id ?? n.body?.episode_id;
  const child = n.child_id ?? n.body?.child_id;
  if (child && n.kind === 'repeat_missing') return `/children/${child}?notification=${n.id}`;
  if (n.kind === 'entity_linked' && n.body?.entity_id) return `/entities/${n.body.entity_id}?notification=${n.id}`;
  if (episode) return `/episodes/${episode}?notification=${n.id}`;
  if (child) return `/children/${child}?notification=${n.id}`;
  return null;
}

export const reviewKinds = {
  repeat_missing_review: 'Multi-agency review (repeat missing)',
  cse_reassessment: 'CSE risk reassessment',
};

// Webhook topics are "notification.<kind>".
export function topicInWords(topic) {
  const kind = topic?.startsWith('notification.') ? topic.slice('notification.'.length) : topic;
  return notificationKinds[kind] ?? topic;
}

export const organisationKinds = { police: 'Police force', local_authority: 'Council' };

export const riskColours = {
  none: 'govuk-tag--grey',
  low: 'govuk-tag--blue',
  medium: 'govuk-tag--orange',
  high: 'govuk-tag--red',
};

// Clocks that social work holds: the manager assigns the episode to move them.
export const socialWorkClocks = new Set(['interview_offered', 'interview_held', 'further_offer', 'follow_up_action']);

// How long ago, in words: "3 hours".
export function since(iso, now = Date.now()) {
  return duration((now - new Date(iso).getTime()) / 1000);
}
