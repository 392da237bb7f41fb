// Helpers every form shares: times typed as day, month, year and HH:MM; field errors from the
// API mapped to the fields and the error summary; sending an event with If-Match.
import { ApiError, post } from './api.js';

const pad = (n) => String(n).padStart(2, '0');

export function nowParts(date = new Date()) {
  return {
    day: String(date.getDate()),
    month: String(date.getMonth() + 1),
    year: String(date.getFullYear()),
    time: `${pad(date.getHours())}:${pad(date.getMinutes())}`,
  };
}

export const emptyParts = () => ({ day: '', month: '', year: '', time: '' });

// {value} (RFC 3339, or YYYY-MM-DD without time) or {error} in words.
export function partsToValue(parts, { time = true, what = 'date' } = {}) {
  const day = Number(parts.day);
  const month = Number(parts.month);
  const year = Number(parts.year);
  if (!parts.day && !parts.month && !parts.year) return { error: `Enter the ${what}` };
  if (!Number.isInteger(day) || !Number.isInteger(month) || !Number.isInteger(year) ||
      String(parts.year).trim().length !== 4) {
    return { error: `The ${what} must be a real date, for example 27 3 2026` };
  }
  let hours = 0;
  let minutes = 0;
  if (time) {
    const m = /^\s*(\d{1,2})[:.](\d{2})\s*$/.exec(parts.time ?? '');
    if (!m) return { error: `Enter the time of the ${what} as hours and minutes, for example 14:30` };
    hours = Number(m[1]);
    minutes = Number(m[2]);
    if (hours > 23 || minutes > 59) return { error: `The time of the ${what} must be a real time` };
  }
  const date = new Date(year, month - 1, day, hours, minutes);
  if (date.getFullYear() !== year || date.getMonth() !== month - 1 || date.getDate() !== day) {
    return { error: `The ${what} must be a real date` };
  }
  if (!time) return { value: `${year}-${pad(month)}-${pad(day)}` };
  return { value: date.toISOString().replace('.000Z', 'Z') };
}

// The error summary's entries, in the order of the form's fields (`anchors`: field → element
// id), then any other field the server named.
export function summaryOf(fields, anchors) {
  const listed = [];
  for (const [field, anchor] of Object.entries(anchors)) {
    if (fields[field]) listed.push({ href: `#${anchor}`, message: fields[field] });
  }
  for (const [field, message] of Object.entries(fields)) {
    if (!(field in anchors)) listed.push({ message: `${field.replaceAll('_', ' ')}: ${message}` });
  }
  return listed;
}

// The API's field message as a sentence about the field.
export function fieldMessages(error, labels) {
  const out = {};
  for (const [field, message] of Object.entries(error.fields)) {
    const label = labels[field] ?? field.replaceAll('_', ' ');
    out[field] = `${label.charAt(0).toUpperCase()}${label.slice(1)} ${message}`;
  }
  return out;
}

export async function sendEvent(episodeId, path, body, etag) {
  return post(`/api/v1/episodes/${encodeURIComponent(episodeId)}/${path}`, body, { etag });
}

export { ApiError };

let counter = 0;
export function newKey() {
  counter += 1;
  const random = crypto.getRandomValues(new Uint32Array(2));
  return `web-${Date.now().toString(36)}-${random[0].toString(36)}${random[1].toString(36)}-${counter}`;
}
