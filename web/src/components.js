// GOV.UK Design System components as Preact functions, with the markup govuk-frontend styles.
import { h } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import htm from 'htm';

export const html = htm.bind(h);

// "There is a problem" with a link to each field in error; it takes focus when it appears.
export function ErrorSummary({ errors, title = 'There is a problem' }) {
  const ref = useRef(null);
  // Focus moves to the summary when the errors change (a submit), not on every keystroke.
  const content = errors.map((e) => e.message).join('\n');
  useEffect(() => {
    if (content) ref.current?.focus();
  }, [content]);
  if (!errors.length) return null;
  return html`<div class="govuk-error-summary" data-module="govuk-error-summary" tabindex="-1" ref=${ref}>
    <div role="alert">
      <h2 class="govuk-error-summary__title">${title}</h2>
      <div class="govuk-error-summary__body">
        <ul class="govuk-list govuk-error-summary__list">
          ${errors.map((e) => html`<li key=${e.href ?? e.message}>
            ${e.href ? html`<a href=${e.href}>${e.message}</a>` : e.message}
          </li>`)}
        </ul>
      </div>
    </div>
  </div>`;
}

export function ErrorMessage({ id, text }) {
  if (!text) return null;
  return html`<p id=${id} class="govuk-error-message"><span class="govuk-visually-hidden">Error:</span> ${text}</p>`;
}

function describedBy(...ids) {
  const list = ids.filter(Boolean).join(' ');
  return list || undefined;
}

export function TextInput({ id, name = id, label, hint, error, value, onInput, type = 'text', width,
  autocomplete, inputmode, spellcheck, labelClass = 'govuk-label', isPageHeading = false }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  const labelNode = html`<label class=${labelClass} for=${id}>${label}</label>`;
  return html`<div class=${`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
    ${isPageHeading ? html`<h1 class="govuk-label-wrapper">${labelNode}</h1>` : labelNode}
    ${hint && html`<div id=${hintId} class="govuk-hint">${hint}</div>`}
    <${ErrorMessage} id=${errorId} text=${error} />
    <input class=${`govuk-input${width ? ` govuk-input--width-${width}` : ''}${error ? ' govuk-input--error' : ''}`}
      id=${id} name=${name} type=${type} value=${value ?? ''} autocomplete=${autocomplete}
      inputmode=${inputmode} spellcheck=${spellcheck}
      aria-describedby=${describedBy(hintId, errorId)}
      onInput=${(e) => onInput(e.currentTarget.value)} />
  </div>`;
}

export function Textarea({ id, name = id, label, hint, error, value, onInput, rows = 4 }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  return html`<div class=${`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
    <label class="govuk-label govuk-label--s" for=${id}>${label}</label>
    ${hint && html`<div id=${hintId} class="govuk-hint">${hint}</div>`}
    <${ErrorMessage} id=${errorId} text=${error} />
    <textarea class=${`govuk-textarea${error ? ' govuk-textarea--error' : ''}`} id=${id} name=${name}
      rows=${rows} aria-describedby=${describedBy(hintId, errorId)}
      onInput=${(e) => onInput(e.currentTarget.value)} value=${value ?? ''}></textarea>
  </div>`;
}

// items: [{value, label, hint}]. The first radio's id is `id`, so errors can link to it.
export function Radios({ id, name = id, legend, hint, error, items, value, onChange, inline = false,
  legendClass = 'govuk-fieldset__legend--s', small = false }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  return html`<div class=${`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
    <fieldset class="govuk-fieldset" aria-describedby=${describedBy(hintId, errorId)}>
      <legend class=${`govuk-fieldset__legend ${legendClass}`}>${legend}</legend>
      ${hint && html`<div id=${hintId} class="govuk-hint">${hint}</div>`}
      <${ErrorMessage} id=${errorId} text=${error} />
      <div class=${`govuk-radios${inline ? ' govuk-radios--inline' : ''}${small ? ' govuk-radios--small' : ''}`}>
        ${items.map((item, index) => {
          const itemId = index === 0 ? id : `${id}-${index + 1}`;
          const itemHint = item.hint ? `${itemId}-item-hint` : undefined;
          return html`<div class="govuk-radios__item" key=${item.value}>
            <input class="govuk-radios__input" id=${itemId} name=${name} type="radio" value=${item.value}
              checked=${value === item.value} aria-describedby=${itemHint}
              onChange=${() => onChange(item.value)} />
            <label class="govuk-label govuk-radios__label" for=${itemId}>${item.label}</label>
            ${item.hint && html`<div id=${itemHint} class="govuk-hint govuk-radios__hint">${item.hint}</div>`}
          </div>`;
        })}
      </div>
    </fieldset>
  </div>`;
}

// items: [{value, label, hint}]; values: a Set.
export function Checkboxes({ id, name = id, legend, hint, error, items, values, onToggle,
  legendClass = 'govuk-fieldset__legend--s', small = false }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  return html`<div class=${`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
    <fieldset class="govuk-fieldset" aria-describedby=${describedBy(hintId, errorId)}>
      <legend class=${`govuk-fieldset__legend ${legendClass}`}>${legend}</legend>
      ${hint && html`<div id=${hintId} class="govuk-hint">${hint}</div>`}
      <${ErrorMessage} id=${errorId} text=${error} />
      <div class=${`govuk-checkboxes${small ? ' govuk-checkboxes--small' : ''}`}>
        ${items.map((item, index) => {
          const itemId = index === 0 ? id : `${id}-${index + 1}`;
          const itemHint = item.hint ? `${itemId}-item-hint` : undefined;
          return html`<div class="govuk-checkboxes__item" key=${item.value}>
            <input class="govuk-checkboxes__input" id=${itemId} name=${name} type="checkbox"
              value=${item.value} checked=${values.has(item.value)} aria-describedby=${itemHint}
              onChange=${(e) => onToggle(item.value, e.currentTarget.checked)} />
            <label class="govuk-label govuk-checkboxes__label" for=${itemId}>${item.label}</label>
            ${item.hint && html`<div id=${itemHint} class="govuk-hint govuk-checkboxes__hint">${item.hint}</div>`}
          </div>`;
        })}
      </div>
    </fieldset>
  </div>`;
}

export function Select({ id, name = id, label, hint, error, items, value, onChange }) {
  const hintId = hint ? `${id}-hint` : null;
  const errorId = error ? `${id}-error` : null;
  return html`<div class=${`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
    <label class="govuk-label govuk-label--s" for=${id}>${label}</label>
    ${hint && html`<div id=${hintId} class="govuk-hint">${hint}</div>`}
    <${ErrorMessage} id=${errorId} text=${error} />
    <select class=${`govuk-select${error ? ' govuk-select--error' : ''}`} id=${id} name=${name}
      aria-describedby=${describedBy(hintId, errorId)} value=${value}
      onChange=${(e) => onChange(e.currentTarget.value)}>
      ${items.map((item) => html`<option key=${item.value} value=${item.value}>${item.label}</option>`)}
    </select>
  </div>`;
}

// A date (day, month, year) and, with `time`, a time of day: value {day, month, year, time}.
// Errors link to the day field, `${id}-day`.
export function DateTimeInput({ id, legend, hint, error, value, onChange, time = true }) {
  const hintId = `${id}-hint`;
  const errorId = error ? `${id}-error` : null;
  const set = (part) => (e) => onChange({ ...value, [part]: e.currentTarget.value });
  const part = (name, label, width) => html`<div class="govuk-date-input__item">
    <div class="govuk-form-group">
      <label class="govuk-label govuk-date-input__label" for=${`${id}-${name}`}>${label}</label>
      <input class=${`govuk-input govuk-date-input__input govuk-input--width-${width}${error ? ' govuk-input--error' : ''}`}
        id=${`${id}-${name}`} name=${`${id}-${name}`} type="text" inputmode="numeric"
        value=${value[name] ?? ''} onInput=${set(name)} />
    </div>
  </div>`;
  return html`<div class=${`govuk-form-group${error ? ' govuk-form-group--error' : ''}`}>
    <fieldset class="govuk-fieldset" role="group" aria-describedby=${describedBy(hintId, errorId)}>
      <legend class="govuk-fieldset__legend govuk-fieldset__legend--s">${legend}</legend>
      <div id=${hintId} class="govuk-hint">${hint ?? (time ? 'For example, 27 3 2026 and 14:30' : 'For example, 27 3 2011')}</div>
      <${ErrorMessage} id=${errorId} text=${error} />
      <div class="govuk-date-input" id=${id}>
        ${part('day', 'Day', 2)}
        ${part('month', 'Month', 2)}
        ${part('year', 'Year', 4)}
        ${time && part('time', 'Time', 4)}
      </div>
    </fieldset>
  </div>`;
}

export function Button({ children, secondary = false, warning = false, onClick, type = 'submit', id, disabled }) {
  const cls = `govuk-button${secondary ? ' govuk-button--secondary' : ''}${warning ? ' govuk-button--warning' : ''}`;
  return html`<button type=${type} class=${cls} data-module="govuk-button" id=${id} onClick=${onClick}
    disabled=${disabled} aria-disabled=${disabled ? 'true' : undefined}>${children}</button>`;
}

export function LinkButton({ href, children, secondary = false }) {
  return html`<a href=${href} role="button" draggable="false"
    class=${`govuk-button${secondary ? ' govuk-button--secondary' : ''}`} data-module="govuk-button">${children}</a>`;
}

// Success or important information at the top of a page; it takes focus when it appears.
export function Banner({ type = 'important', title, children }) {
  const ref = useRef(null);
  useEffect(() => {
    if (type === 'success') ref.current?.focus();
  }, []);
  const success = type === 'success';
  return html`<div class=${`govuk-notification-banner${success ? ' govuk-notification-banner--success' : ''}`}
    role=${success ? 'alert' : 'region'} aria-labelledby="banner-title" tabindex="-1" ref=${ref}
    data-module="govuk-notification-banner">
    <div class="govuk-notification-banner__header">
      <h2 class="govuk-notification-banner__title" id="banner-title">${title ?? (success ? 'Success' : 'Important')}</h2>
    </div>
    <div class="govuk-notification-banner__content">${children}</div>
  </div>`;
}

// rows: [[key, value]], leaving out rows without a value.
export function SummaryList({ rows }) {
  const shown = rows.filter(([, value]) => value !== undefined && value !== null && value !== '');
  return html`<dl class="govuk-summary-list">
    ${shown.map(([key, value]) => html`<div class="govuk-summary-list__row" key=${key}>
      <dt class="govuk-summary-list__key">${key}</dt>
      <dd class="govuk-summary-list__value">${value}</dd>
    </div>`)}
  </dl>`;
}

export function Tag({ colour = '', children }) {
  return html`<strong class=${`govuk-tag ${colour}`}>${children}</strong>`;
}

export function BackLink({ href, children = 'Back', onClick }) {
  return html`<a href=${href} class="govuk-back-link" onClick=${onClick}>${children}</a>`;
}

// The page's heading takes focus on arrival, so screen readers announce the new page.
export function Heading({ children, caption, size = 'l' }) {
  const ref = useRef(null);
  useEffect(() => {
    if (!document.querySelector('.govuk-error-summary, .govuk-notification-banner--success')) {
      ref.current?.focus({ preventScroll: true });
    }
  }, []);
  return html`${caption && html`<span class="govuk-caption-l">${caption}</span>`}
    <h1 class=${`govuk-heading-${size}`} tabindex="-1" ref=${ref}>${children}</h1>`;
}

export function Loading() {
  return html`<p class="govuk-body" role="status">Loading…</p>`;
}
