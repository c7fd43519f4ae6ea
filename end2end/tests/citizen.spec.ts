// A citizen registers, reads a draft, comments on one article and sees the receipt;
// a drafting agency's staff member approves it. Runs with JavaScript on, off, and on a phone.
import { test, expect, Page } from '@playwright/test';
import { staffMember, uniquePhone } from './accounts';

async function ready(page: Page, js: boolean) {
  // With JavaScript the page must hydrate before we interact with it.
  if (js) await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
}

test('citizen registers, comments on an article and gets a receipt', async ({ page, javaScriptEnabled }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  const js = !!javaScriptEnabled;

  await page.goto('/');
  await ready(page, js);
  await expect(page.getByRole('heading', { name: '公开征求意见' })).toBeVisible();

  await page.getByRole('link', { name: '注册' }).click();
  const phone = uniquePhone();
  await page.getByLabel('手机号码或电子邮箱').fill(phone);
  await page.getByLabel('密码（至少8位）').fill('a-strong-password');
  await page.getByLabel('昵称').fill('测试市民');
  await page.getByLabel('我已阅读并同意隐私说明').check();
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByText('测试市民')).toBeVisible();

  await page.getByRole('link', { name: /电动自行车管理条例/ }).click();
  await ready(page, js);
  await expect(page.getByRole('heading', { name: /电动自行车管理条例/ })).toBeVisible();
  const article = page.locator('#a10-1');
  await expect(article).toContainText('第十条之一');
  await article.getByRole('link', { name: '对本条提出意见' }).click();
  await ready(page, js);

  await expect(page.getByRole('heading', { name: '对第十条之一提出意见' })).toBeVisible();
  const text = `建议配送平台建立骑手安全积分制度（${test.info().project.name}）。`;
  // First an empty submission: refused with a message next to the field, nothing lost.
  await page.getByRole('button', { name: '提交意见' }).click();
  await expect(page.getByText('请填写意见内容')).toBeVisible();
  // The refusal is a new page: wait for it to hydrate too before typing into it.
  await ready(page, js);
  await page.getByLabel('意见内容').fill(text);
  if (js) await expect(page.locator('#body-count')).toContainText(`${[...text].length} / 5000`);
  await page.getByRole('button', { name: '提交意见' }).click();

  await expect(page.getByRole('heading', { name: '意见已提交' })).toBeVisible();
  const receipt = (await page.locator('#receipt-no').textContent())!.trim();
  expect(receipt).toMatch(/^YJ-\d{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  expect(page.url(), 'the receipt number stays out of the address bar').not.toContain(receipt);
  await expect(page.locator('.receipt')).toContainText('第十条之一');
  await expect(page.locator('.receipt')).toContainText('待审核');

  // The receipt can be looked up later.
  await page.goto('/receipts');
  await page.getByLabel('回执编号').fill(receipt);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('#receipt-no')).toHaveText(receipt);
  await expect(page.locator('.receipt')).toContainText(text);
  expect(page.url()).not.toContain(receipt);

  // The refused empty submission is answered 422 on purpose; anything else is a real error.
  expect(errors.filter((e) => !e.includes('status of 422')), 'no console errors').toEqual([]);
});

test('staff member approves a comment and the public sees it', async ({ page, browser, javaScriptEnabled }) => {
  test.skip(test.info().project.name !== 'js', 'one staff flow is enough');
  const js = !!javaScriptEnabled;
  // A citizen comments on article 8.
  await page.goto('/register');
  await page.getByLabel('手机号码或电子邮箱').fill(uniquePhone());
  await page.getByLabel('密码（至少8位）').fill('a-strong-password');
  await page.getByLabel('昵称').fill('另一位市民');
  await page.getByLabel('我已阅读并同意隐私说明').check();
  await page.getByRole('button', { name: '注册' }).click();
  await page.goto('/consultations/1/comment?article=a8');
  await ready(page, js);
  const text = '老旧小区的集中充电设施应当优先建设。';
  await page.getByLabel('意见内容').fill(text);
  await page.getByRole('button', { name: '提交意见' }).click();
  await expect(page.getByRole('heading', { name: '意见已提交' })).toBeVisible();

  // The administrator creates a staff account for the drafting agency; it signs in.
  const staff = await staffMember(browser, '市交通运输局');
  await expect(staff.getByRole('heading', { name: '工作台' })).toBeVisible();
  await staff.getByRole('link', { name: /电动自行车管理条例/ }).click();
  const item = staff.locator('article.comment', { hasText: text });
  await item.getByRole('button', { name: '通过并公开' }).click();
  await expect(staff.getByRole('status')).toContainText('已处理');
  await expect(staff.locator('article.comment', { hasText: text })).toContainText('已公开');
  await staff.context().close();

  // The public sees it under article 8.
  await page.goto('/consultations/1/comments?article=a8');
  await expect(page.locator('ol.comments')).toContainText(text);
});
