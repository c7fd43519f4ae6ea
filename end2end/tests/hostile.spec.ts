// Hostile text typed by users comes back everywhere as inert, exact text: in the page's <title>, in
// body text, in <textarea> and <input> values (also when a rejected form is shown again), in
// <option> labels. No dialog opens, no injected element or inline script exists, and `&lt;` typed
// by a user stays `&lt;`. Runs with JavaScript on, off, and on a phone.
//
// The site's Content-Security-Policy would stop injected handlers from running even if markup got
// through, so it is bypassed here: an escaping regression then shows as an opened dialog too, not
// only as an injected element.
import { test, expect, Browser, Page, Locator } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { serverEnv } from '../playwright.config';
import { staffMember, uniquePhone } from './accounts';

test.use({ bypassCSP: true });

const SITE = '公众参与平台';

/** Dialogs and uncaught errors of every page a test opens. */
type Watch = { dialogs: string[]; errors: string[] };

function watch(page: Page, w: Watch): Page {
  page.on('dialog', (d) => {
    w.dialogs.push(`${page.url()}: ${d.type()} ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  page.on('pageerror', (e) => w.errors.push(`${page.url()}: ${e}`));
  return page;
}

/** A short, per-project, per-run marker to find each hostile string by. */
function marker(): string {
  return `${test.info().project.name}-${Date.now().toString(36)}`;
}

/** Nothing the users typed became markup: no injected element, handler attribute or script. */
async function expectInert(page: Page, where: string) {
  await page.waitForLoadState('load');
  const found = await page.evaluate(() => {
    const bad: string[] = [];
    for (const el of Array.from(document.querySelectorAll('*'))) {
      for (const a of Array.from(el.attributes)) {
        if (/^on/i.test(a.name)) bad.push(`handler attribute: ${el.outerHTML.slice(0, 200)}`);
      }
    }
    for (const el of Array.from(document.querySelectorAll('img[src="x"], svg, [data-pwn]'))) {
      bad.push(`injected element: ${el.outerHTML.slice(0, 200)}`);
    }
    // Leptos's own scripts (the module loader and its hydration state) carry the response's nonce;
    // an injected <script> would not.
    for (const s of Array.from(document.querySelectorAll('script'))) {
      if (!s.hasAttribute('nonce') && !s.nonce) bad.push(`script without nonce: ${s.outerHTML.slice(0, 200)}`);
      if ((s.textContent ?? '').includes('alert(')) bad.push(`script with user text: ${s.outerHTML.slice(0, 200)}`);
    }
    return bad;
  });
  expect(found, `no injected markup on ${where}`).toEqual([]);
}

/** Every string appears, exactly, in the page's text. */
async function expectTexts(page: Page, texts: string[], where: string) {
  const body = await page.evaluate(() => document.body.textContent ?? '');
  for (const t of texts) expect(body, `“${t}” shown as text on ${where}`).toContain(t);
}

async function textOf(l: Locator): Promise<string> {
  return l.evaluate((e) => e.textContent ?? '');
}

/** A field holds exactly `v`: its live value and what the server wrote into the HTML. */
async function expectField(l: Locator, v: string) {
  await expect(l).toHaveValue(v);
  const written = await l.evaluate((e) =>
    e instanceof HTMLTextAreaElement ? e.defaultValue : (e as HTMLInputElement).getAttribute('value'));
  expect(written, `${await l.getAttribute('id')} as written by the server`).toBe(v);
}

async function ready(page: Page) {
  // Plain forms work before hydration; waiting for it keeps islands from racing the test.
  if (test.info().project.use.javaScriptEnabled !== false) {
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
  }
}

/** The administrator, signed in (same steps as `staffMember` in accounts.ts). */
async function administrator(browser: Browser): Promise<Page> {
  const out = execFileSync('../target/debug/canyu', ['create-admin', 'e2e-admin'], { env: { ...process.env, ...serverEnv } }).toString();
  const pw = out.trim().split(': ').pop()!;
  const admin = await (await browser.newContext()).newPage();
  await admin.goto('/login');
  await admin.getByLabel('手机号码或电子邮箱').fill('e2e-admin');
  await admin.getByLabel('密码').fill(pw);
  await admin.getByRole('button', { name: '登录' }).click();
  await admin.getByLabel('当前密码').fill(pw);
  await admin.getByLabel('新密码（至少8位）').fill('admin-new-password');
  await admin.getByRole('button', { name: '保存' }).click();
  await expect(admin.getByRole('heading', { name: '系统管理' })).toBeVisible();
  return admin;
}

function inDays(n: number): string {
  return new Date(Date.now() + n * 86_400_000).toISOString().slice(0, 10);
}

test('a hostile consultation, comment and answer are shown as exact, inert text', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const w: Watch = { dialogs: [], errors: [] };
  watch(page, w);
  const m = marker();
  const title = `【T${m}】噪音扰民</title><img src=x onerror=alert(document.domain)> &lt;b&gt;`;
  const explanation = `【E${m}】</textarea><img src=x onerror=alert(1)> &lt;script&gt;alert(2)&lt;/script&gt; <script>alert(5)</script>`;
  const reason = `【R${m}】"><svg onload=alert(3)> ' onmouseover='alert(4) <b data-pwn>粗</b>`;
  const preamble = `【F${m}】<script>alert(5)</script>`;
  const art1 = `为了规范管理，"><svg onload=alert(3)>制定本办法。【A1${m}】`;
  const art2 = `&lt;script&gt;alert(2)&lt;/script&gt; ' onmouseover='alert(4)【A2${m}】`;
  const fullText = `${preamble}\n第一条 ${art1}\n第二条 ${art2}`;

  // 1. The drafting agency publishes it; a wrong closing date first brings the form back.
  const staff = watch(await staffMember(browser, '市交通运输局'), w);
  await expect(staff.getByRole('heading', { name: '工作台' })).toBeVisible();
  await staff.getByRole('link', { name: '发布征求意见' }).click();
  await staff.getByLabel('类型').selectOption({ label: '重大行政决策' });
  await staff.getByLabel('标题', { exact: true }).fill(title);
  await staff.getByLabel('起草说明').fill(explanation);
  await staff.locator('#full_text').fill(fullText);
  await staff.getByLabel('截止日期（含当日）').fill('2020-01-01');
  await staff.locator('#short_window_reason').fill(reason);
  await staff.getByRole('button', { name: '发布' }).click();
  await expect(staff.locator('#closes_on-error')).toContainText('截止日期不能早于开始日期');
  await expect(staff).toHaveTitle(`发布征求意见 - ${SITE}`);
  await expectField(staff.locator('#title'), title);
  await expectField(staff.locator('#explanation'), explanation);
  await expectField(staff.locator('#full_text'), fullText);
  await expectField(staff.locator('#short_window_reason'), reason);
  await expectInert(staff, 'the rejected consultation form');

  await ready(staff);
  await staff.getByLabel('截止日期（含当日）').fill(inDays(14));
  await staff.getByRole('button', { name: '发布' }).click();
  await staff.waitForURL(/\/staff\/consultations\/\d+$/, { timeout: 15_000 });
  const id = staff.url().match(/\/staff\/consultations\/(\d+)$/)![1];
  await expect(staff).toHaveTitle(`意见处理：${title} - ${SITE}`);
  expect(await textOf(staff.locator('h1'))).toBe(title);
  // The line the parser did not recognise is reported back to the agency, as typed.
  await expectTexts(staff, [`第1行：${preamble}`], 'the review queue');
  await expectInert(staff, 'the new review queue');

  // 2. A citizen with a hostile nickname reads it and comments with a hostile body.
  const nickname = `</title><b data-pwn>${m.slice(-6)}`;
  await page.goto('/register');
  await page.getByLabel('手机号码或电子邮箱').fill(uniquePhone());
  await page.getByLabel('密码（至少8位）').fill('a-strong-password');
  await page.getByLabel('昵称').fill(nickname);
  await page.getByLabel('我已阅读并同意隐私说明').check();
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.locator('.site-header .who')).toBeVisible();
  expect(await textOf(page.locator('.site-header .who'))).toBe(nickname);
  await expectInert(page, 'the front page, signed in');
  expect(await textOf(page.locator('ul.cards a', { hasText: `【T${m}】` }))).toBe(title);

  await page.goto(`/consultations/${id}`);
  await expect(page).toHaveTitle(`${title} - ${SITE}`);
  expect(await textOf(page.locator('article.draft h1'))).toBe(title);
  expect(await textOf(page.locator('.explanation p'))).toBe(explanation);
  expect(await textOf(page.locator('.short-window'))).toBe(`征求意见期少于30日的理由：${reason}`);
  expect(await textOf(page.locator('#a1 .article-body p'))).toBe(art1);
  expect(await textOf(page.locator('#a2 .article-body p'))).toBe(art2);
  await expectTexts(page, [preamble, nickname], 'the public consultation page');
  await expectInert(page, 'the public consultation page');

  await page.locator('#a1').getByRole('link', { name: '对本条提出意见' }).click();
  await expect(page.getByRole('heading', { name: '对第一条提出意见' })).toBeVisible();
  expect(await textOf(page.locator('.crumbs a'))).toBe(`← ${title}`);
  expect(await textOf(page.locator('blockquote.quoted-article p'))).toBe(art1);
  await expectInert(page, 'the comment form');
  await ready(page);
  const body = `【C${m}】</textarea><img src=x onerror=alert(1)> <script>alert(5)</script> &lt;script&gt;alert(2)&lt;/script&gt;`;
  // Too long first: the form comes back holding exactly what was typed.
  const tooLong = body + '长'.repeat(5001 - [...body].length);
  await page.getByLabel('意见内容').fill(tooLong);
  await page.getByRole('button', { name: '提交意见' }).click();
  await expect(page.locator('#body-error')).toContainText('意见内容不能超过5000字');
  await expectField(page.locator('#body'), tooLong);
  expect(await textOf(page.locator('#article option:checked'))).toBe('第一条');
  await expectInert(page, 'the rejected comment form');
  await ready(page);
  await page.getByLabel('意见内容').fill(body);
  await page.getByRole('button', { name: '提交意见' }).click();
  await expect(page.getByRole('heading', { name: '意见已提交' })).toBeVisible();
  expect(await textOf(page.locator('.receipt dd.body'))).toBe(body);
  expect(await textOf(page.locator('.receipt dd a'))).toBe(title);
  await expectInert(page, 'the receipt');

  // The agency publishes the comment and answers it with a hostile reason.
  await staff.goto(`/staff/consultations/${id}`);
  let item = staff.locator('article.comment', { hasText: `【C${m}】` });
  expect(await textOf(item.locator('p.body'))).toBe(body);
  await expectInert(staff, 'the review queue with a pending comment');
  await item.getByRole('button', { name: '通过并公开' }).click();
  await expect(staff.getByRole('status')).toContainText('已处理');
  item = staff.locator('article.comment', { hasText: `【C${m}】` });
  const commentId = (await item.getAttribute('id'))!.slice(1);
  const answer = `【D${m}】</textarea><svg onload=alert(8)> &amp; &lt;/textarea&gt; ' onmouseover='alert(4)`;
  await item.getByLabel('采纳情况', { exact: true }).selectOption({ label: '部分采纳' });
  await item.getByLabel('理由（采纳的可不填）').fill(answer);
  await item.getByRole('button', { name: '保存答复' }).click();
  await expect(staff.getByRole('status')).toContainText('已处理');

  // Reopened, the queue holds the reason exactly.
  await staff.goto(`/staff/consultations/${id}`);
  await expect(staff).toHaveTitle(`意见处理：${title} - ${SITE}`);
  await expectField(staff.locator(`#disposition-reason-${commentId}`), answer);
  expect(await textOf(staff.locator(`#disposition-${commentId} option:checked`))).toBe('部分采纳');
  await expectTexts(staff, [body, `（${answer}）`], 'the review queue with an answer');
  await expectInert(staff, 'the review queue with an answer');

  await staff.context().close();
  expect(w.dialogs, 'no dialog opened').toEqual([]);
  expect(w.errors, 'no page errors').toEqual([]);
});

test('a hostile anonymous complaint reaches the petition office as exact, inert text', async ({ page, browser }) => {
  test.setTimeout(180_000);
  const w: Watch = { dialogs: [], errors: [] };
  watch(page, w);
  const m = marker();

  // The administrator adds a unit with a hostile name; it is offered in every unit list.
  const agency = `【G${m}】市<b data-pwn>测试</b>局 &amp; "><svg onload=alert(9)>`;
  const admin = watch(await administrator(browser), w);
  await admin.getByLabel('新增单位名称').fill(agency);
  await admin.getByRole('button', { name: '新增单位', exact: true }).click();
  await expect(admin.locator('li', { hasText: `【G${m}】` })).toHaveCount(1);
  expect(await textOf(admin.locator('li', { hasText: `【G${m}】` }))).toBe(`${agency}（0名工作人员）`);
  await expect(admin.locator('#agency_id option', { hasText: `【G${m}】` })).toHaveText(agency);
  // Added twice: refused, and the name comes back in the field exactly.
  await admin.getByLabel('新增单位名称').fill(agency);
  await admin.getByRole('button', { name: '新增单位', exact: true }).click();
  await expect(admin.getByText('该单位已存在')).toBeVisible();
  await expectField(admin.locator('#name'), agency);
  await expectInert(admin, 'the administration page');
  await admin.context().close();

  // Anyone files a complaint; forgetting the name (not anonymous) brings the form back first.
  const matter = `【M${m}】噪音扰民</title><img src=x onerror=alert(document.domain)>`;
  const facts = `【X${m}】</textarea><img src=x onerror=alert(1)> &lt;script&gt;alert(2)&lt;/script&gt;`;
  const request = `<script>alert(5)</script>【Q${m}】`;
  const unit = `' onmouseover='alert(4) "><svg onload=alert(3)>`;
  await page.goto('/cases/new');
  await page.getByRole('link', { name: '投诉举报违法行政行为' }).click();
  await expect(page.getByRole('heading', { name: '投诉举报' })).toBeVisible();
  expect(await textOf(page.locator('#concerned_agency_id option', { hasText: `【G${m}】` }))).toBe(agency);
  await page.getByLabel('事项（标题，100字以内）').fill(matter);
  await page.getByLabel('事实和理由').fill(facts);
  await page.getByLabel('请求（选填）').fill(request);
  await page.getByLabel('涉及的单位').selectOption({ label: agency });
  await page.getByLabel('或填写单位名称').fill(unit);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.locator('#name-error')).toBeVisible();
  await expectField(page.locator('#matter'), matter);
  await expectField(page.locator('#facts'), facts);
  await expectField(page.locator('#request'), request);
  await expectField(page.locator('#concerned_unit'), unit);
  expect(await textOf(page.locator('#concerned_agency_id option:checked'))).toBe(agency);
  await expectInert(page, 'the rejected complaint form');
  await ready(page);
  await page.getByLabel(/^匿名提出/).check();
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.getByRole('heading', { name: '已提交' })).toBeVisible();
  const number = (await page.locator('#case-number').textContent())!.trim();
  const code = (await page.locator('#query-code').textContent())!.trim();

  // The filer follows it with the number and the code.
  await page.goto('/cases/track');
  await page.getByLabel('编号').fill(number);
  await page.getByLabel('查询码').fill(code);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('#progress-title')).toBeVisible();
  expect(await textOf(page.locator('#progress-title'))).toBe(`${number} · ${matter}`);
  await expectInert(page, 'the progress page');

  // The petition office opens it.
  const officer = watch(await staffMember(browser, '市信访局', '信访工作人员'), w);
  await expect(officer.getByRole('heading', { name: '信访工作台' })).toBeVisible();
  await expectTexts(officer, [matter], 'the petition office dashboard');
  await expectInert(officer, 'the petition office dashboard');
  await officer.getByRole('link', { name: number }).first().click();
  await expect(officer).toHaveTitle(`${number} ${matter} - ${SITE}`);
  expect(await textOf(officer.locator('h1'))).toBe(`${number} · ${matter}`);
  await expectTexts(officer, [facts, request, agency], 'the staff case page');
  expect(await textOf(officer.locator('#unit option', { hasText: `【G${m}】` }))).toBe(agency);
  await expectInert(officer, 'the staff case page');
  await officer.context().close();

  expect(w.dialogs, 'no dialog opened').toEqual([]);
  expect(w.errors, 'no page errors').toEqual([]);
});
