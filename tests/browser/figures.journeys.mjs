// The figures page (registered by journeys.test.mjs, on its server and browser): a council of
// its own whose episodes are built through the API, so every number the page shows is known.
// A manager opens Figures and sees what GET /api/v1/stats answers for the same filters; a past
// period, a team and another authority change the numbers; Back returns to the view before; a
// date that is not a date is named in the error summary; "Download CSV" downloads the stats CSV.
// A police officer and a social worker have no Figures link and are not permitted at its URL.
// Every state is checked with axe-core at 375 and 1280 px (checkPage).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { bearer, checkPage, makeOrganisation, makeUser, unique } from './harness.mjs';
import { open, signIn, suite } from './suite.mjs';

const fx = {};
const at = (hours) => new Date(Date.now() + hours * 3600e3).toISOString();

// Called by journeys.test.mjs's before(): organisations and users through the real command line.
export function figuresSetUp({ police, otherCouncil }) {
  fx.police = police;
  fx.otherCouncil = otherCouncil;
  fx.council = makeOrganisation('local_authority');
  fx.manager = makeUser('manager', fx.council, { team: 'Team East' });
  fx.east = makeUser('social_worker', fx.council, { team: 'Team East' });
  fx.west = makeUser('social_worker', fx.council, { team: 'Team West' });
  fx.champion = makeUser('cse_champion', fx.council, { team: 'Safeguarding' });
  fx.family = `Figg${unique('x').slice(2).toLowerCase().replace(/[0-9]/g, (d) => 'ghjklmnpqr'[d])}`;
}

async function ok(reply, what) {
  const r = await reply;
  assert.ok(r.status >= 200 && r.status < 300, `${what}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

// Four episodes of three children, reported now: Ada twice (last seen at "Bus Station" and at
// "the bus station ", one place), Ben once, Cal once (away, still out). Ada's are held by Team
// East, Ben's by Team West, Cal's by nobody. Ada's first and Ben's are interviewed.
async function buildScenario() {
  const police = await bearer(suite.server.origin, fx.police);
  const east = await bearer(suite.server.origin, fx.east);
  const west = await bearer(suite.server.origin, fx.west);
  const eastId = (await ok(east('GET', '/api/v1/me'), 'me')).id;
  const westId = (await ok(west('GET', '/api/v1/me'), 'me')).id;
  const child = (given) => ok(police('POST', '/api/v1/children', { given_name: given, family_name: fx.family,
    date_of_birth: '2010-02-03', sex: 'female', looked_after: false, responsible_authority: fx.council }), `add ${given}`);
  const report = async (c, { seen, returned, place, away = false }) => {
    const e = await ok(police('POST', '/api/v1/episodes', { child_id: c.id, last_seen_at: at(-seen), last_seen_location: place,
      circumstances: 'Did not come home from school', risk_level: 'medium', police_reference: unique('FG'),
      missing_or_away: away ? 'away' : 'missing' }), `report ${c.given_name}`);
    if (returned !== undefined) {
      await ok(police('POST', `/api/v1/episodes/${e.id}/return`, { returned_at: at(-returned), found_location: 'Retail park',
        returned_to: 'Home' }), `return ${c.given_name}`);
    }
    return e;
  };
  const interview = async (worker, e, risk, indicators) => {
    const path = `/api/v1/episodes/${e.id}`;
    await ok(worker('POST', `${path}/interview-offer`, { offered_at: at(-3), scheduled_for: at(-2), independent: true }), 'offer');
    await ok(worker('POST', `${path}/interview`, { conducted_at: at(-1), location: 'Home', where_stayed: 'Her aunt’s house',
      with_whom: 'Friends', push_factors: [], pull_factors: [], harm_disclosed: false, indicators, cse_risk: risk,
      risk_rationale: 'Judged on the whole account', child_views: 'Wants to stay at home', police_intelligence: null }), 'interview');
  };
  const [ada, ben, cal] = [await child('Ada'), await child('Ben'), await child('Cal')];
  const ada1 = await report(ada, { seen: 30, returned: 28, place: 'Bus Station' });
  const ada2 = await report(ada, { seen: 12, returned: 10, place: 'the bus station ' });
  const ben1 = await report(ben, { seen: 20, returned: 18, place: 'Market Square' });
  await report(cal, { seen: 6, place: 'Canal towpath', away: true });
  for (const e of [ada1, ada2]) await ok(east('POST', `/api/v1/episodes/${e.id}/assign`, { worker_id: eastId }), 'east takes Ada');
  await ok(west('POST', `/api/v1/episodes/${ben1.id}/assign`, { worker_id: westId }), 'west takes Ben');
  await interview(east, ada1, 'medium', ['going_missing_repeatedly', 'older_boyfriend_or_girlfriend']);
  await interview(west, ben1, 'low', ['going_missing_repeatedly']);
}

// What the page shows, read from its tables: {headline: {id: number}, months: [[month, e, c]], ...}.
async function shown(page) {
  return page.evaluate(() => {
    const rows = (id) => [...document.querySelectorAll(`#${id} tbody tr`)].map((tr) => [...tr.children].map((c) => c.textContent.trim()));
    const headline = {};
    for (const p of document.querySelectorAll('#headline .hw-figure')) {
      headline[p.id.replace('headline-', '')] = p.querySelector('.hw-figure__number').textContent.trim();
    }
    return { headline, trend: rows('trend-table'), standard: rows('standard-table'), outcomes: rows('outcomes-table'),
      indicators: rows('indicators-table'), lastSeen: rows('hot-spots-last-seen'), stayed: rows('hot-spots-stayed') };
  });
}

const value = (stats, figure, measure, key = '') =>
  stats.figures.find((r) => r.figure === figure && r.group === 'responsible' && r.key === key && r.measure === measure);
const text = (v) => (v === null || v === undefined ? 'none' : String(v));

// The page's figures against the API's answer for the same query string.
async function assertMatchesApi(page, search) {
  const manager = await bearer(suite.server.origin, fx.manager);
  const stats = await ok(manager('GET', `/api/v1/stats${search}`), `stats ${search}`);
  const seen = await shown(page);
  assert.equal(seen.headline.episodes, text(value(stats, 'episodes', 'episodes').current));
  assert.equal(seen.headline.children, text(value(stats, 'episodes', 'children').current));
  assert.equal(seen.headline.returns, text(value(stats, 'returns', 'episodes').current));
  assert.equal(seen.headline.held, text(value(stats, 'interviews', 'episodes', 'held').current));
  const months = stats.figures.filter((r) => r.figure === 'episodes_by_month' && r.group === 'responsible' && r.measure === 'episodes' && r.current !== null);
  assert.deepEqual(seen.trend.map((r) => Number(r[1])), months.sort((a, b) => a.key.localeCompare(b.key)).map((r) => r.current));
  assert.equal(seen.standard[0][1], text(value(stats, 'interviews', 'episodes', 'held').current));
  assert.equal(seen.standard[0][2], text(value(stats, 'held_within_standard', 'interviews').current));
  for (const [i, key] of ['none', 'low', 'medium', 'high'].entries()) {
    assert.equal(seen.outcomes[i][1], text(value(stats, 'cse_risk', 'interviews', key)?.current ?? 0), `CSE risk ${key}`);
  }
  const places = stats.figures.filter((r) => r.figure === 'hot_spots_last_seen' && r.group === 'responsible' && r.measure === 'episodes' && r.current > 0)
    .sort((a, b) => a.rank - b.rank);
  assert.deepEqual(seen.lastSeen.map((r) => [r[0], Number(r[1])]), places.map((r) => [r.label, r.current]));
  return { stats, seen };
}

export function figuresJourneys() {
  describe('the figures page', () => {
    test('a manager opens Figures, changes the period, the team and the authority; Back; a bad date; the CSV', async () => {
      await buildScenario();
      const { page } = await open();
      await signIn(page, fx.manager);
      await page.click('#navigation a:has-text("Figures")');
      await page.waitForURL(/\/figures$/);
      await page.waitForSelector('#figures');
      // The default period: the last 12 months, ending today (the page's own request says which).
      const defaultSearch = await page.evaluate(() => {
        const entry = performance.getEntriesByType('resource').map((r) => new URL(r.name)).find((u) => u.pathname === '/api/v1/stats');
        return entry.search;
      });
      const params = new URLSearchParams(defaultSearch);
      const to = new Date(`${params.get('to')}T00:00:00Z`);
      const from = new Date(`${params.get('from')}T00:00:00Z`);
      const days = Math.round((to - from) / 86400e3) + 1;
      assert.ok([365, 366].includes(days), `the default period is ${days} days`);
      const all = await assertMatchesApi(page, defaultSearch);
      // Known answers: four episodes of three children, two interviews (medium, low); "Bus Station"
      // and "the bus station " are one place, two episodes of one child.
      assert.deepEqual(all.seen.headline, { episodes: '4', children: '3', returns: '3', held: '2' });
      assert.deepEqual(all.seen.outcomes.map((r) => r[1]), ['0', '1', '1', '0']);
      assert.equal(all.seen.lastSeen[0][1], '2');
      assert.equal(all.seen.lastSeen[0][2], '1');
      assert.match(all.seen.lastSeen[0][0], /bus station/i);
      assert.deepEqual(all.seen.indicators[0], ['Going missing repeatedly', '2', '0']);
      assert.equal(await page.locator('#trend-chart').getAttribute('aria-hidden'), 'true');
      await checkPage(page, 'figures');

      // The CSV: the stats of the same filters, with its header row.
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a:has-text("Download CSV")').first().click()]);
      const csv = readFileSync(await download.path(), 'utf8');
      const lines = csv.split('\r\n');
      assert.equal(lines[0], 'figure,group,key,label,measure,current,previous,rank,period_from,period_to,previous_from,previous_to');
      assert.ok(lines.some((l) => l.startsWith('episodes,responsible,,,episodes,4,')), 'the CSV counts the four episodes');
      assert.ok(lines[1].includes(`,${params.get('from')},${params.get('to')},`), 'the CSV is of the page’s period');

      // A team: the episodes its workers hold.
      await page.selectOption('#team', { label: 'Team East' });
      await page.click('#show-figures');
      await page.waitForURL(/\/figures\?.*team=/);
      await page.waitForSelector('#figures-period:has-text("Team East")');
      const teamSearch = new URL(page.url()).search;
      const east = await assertMatchesApi(page, teamSearch);
      assert.equal(east.seen.headline.episodes, '2');
      assert.equal(east.seen.headline.children, '1');
      await checkPage(page, 'figures-team');

      // A past period: nothing in it.
      for (const [id, day] of [['from', ['1', '1', '2020']], ['to', ['31', '12', '2020']]]) {
        await page.fill(`#${id}-day`, day[0]);
        await page.fill(`#${id}-month`, day[1]);
        await page.fill(`#${id}-year`, day[2]);
      }
      await page.click('#show-figures');
      await page.waitForURL(/from=2020-01-01&to=2020-12-31/);
      await page.waitForSelector('#figures-empty');
      assert.equal(await page.locator('#figures-empty').innerText(), 'No episodes in this period');
      assert.equal(await page.locator('#trend-chart').count(), 0, 'no empty chart');
      await checkPage(page, 'figures-empty');

      // Back: the team's view again, numbers and filters as they were.
      await page.goBack();
      await page.waitForURL((url) => url.search === teamSearch);
      await page.waitForSelector('#headline');
      assert.equal((await shown(page)).headline.episodes, '2');
      assert.equal(await page.inputValue('#from-year'), params.get('from').slice(0, 4));

      // Another authority (a bookmarked address): the manager's scope holds none of its episodes.
      await page.goto(`${suite.server.origin}/figures?authority=${fx.otherCouncil}`);
      await page.waitForSelector('#figures-empty');
      await checkPage(page, 'figures-other-authority');

      // A date that is not one: the API's 400 names the field in the error summary.
      await page.goto(`${suite.server.origin}/figures`);
      await page.waitForSelector('#figures');
      await page.fill('#from-month', '13');
      await page.click('#show-figures');
      await page.waitForSelector('.govuk-error-summary');
      const summary = page.locator('.govuk-error-summary');
      assert.match(await summary.innerText(), /The start of the period must be a real date/);
      assert.equal(await summary.locator('a').first().getAttribute('href'), '#from-day');
      assert.match(await page.locator('#from-error').innerText(), /must be a real date/);
      await checkPage(page, 'figures-error');
    });

    test('the CSE champion has Figures too; police and social workers have no link and are not permitted', async () => {
      const champion = (await open()).page;
      await signIn(champion, fx.champion);
      await champion.click('#navigation a:has-text("Figures")');
      await champion.waitForSelector('#figures');
      assert.equal((await shown(champion)).headline.episodes, '4');

      for (const [user, name] of [[fx.police, 'police'], [fx.west, 'social-worker']]) {
        const { page } = await open();
        await signIn(page, user);
        assert.equal(await page.locator('#navigation a:has-text("Figures")').count(), 0, `${name} has no Figures link`);
        await page.goto(`${suite.server.origin}/figures`);
        await page.waitForSelector('#not-permitted');
        assert.match(await page.locator('h1').innerText(), /not permitted/);
        await checkPage(page, `figures-not-permitted-${name}`);
      }
    });
  });
}
