// The registry of normative documents, as a citizen uses it: narrow the list, open a document at
// its citable address, see what an amendment changed, find a document by its number typed with
// ordinary brackets. The same with JavaScript off and on a phone.
import { test, expect } from '@playwright/test';

test('a citizen finds an amended document, sees what changed and follows it to the amending one', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '文件库' }).click();
  await expect(page).toHaveURL(/\/documents$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('规范性文件库');

  // Narrowed to amended documents with the plain form (a GET: works without JavaScript).
  await page.getByLabel('状态').selectOption('amended');
  await page.getByRole('button', { name: '检索' }).click();
  await expect(page).toHaveURL(/status=amended/);
  const cards = page.locator('li.card');
  await expect(cards).toHaveCount(1);
  await cards.getByRole('link', { name: '某市道路停车管理办法' }).click();

  await expect(page.getByRole('heading', { level: 1 })).toHaveText('某市道路停车管理办法');
  await expect(page).toHaveTitle(/某市道路停车管理办法 长交规〔\d{4}〕1号/);
  await expect(page.locator('dl.facts')).toContainText('已修改');
  await expect(page.locator('.diff del').first()).toContainText('五十');
  await expect(page.locator('.diff ins').first()).toContainText('一百');
  await expect(page.getByRole('heading', { name: '状态变更记录' })).toBeVisible();
  await expect(page.locator('table')).toContainText('根据本市停车收费改革调整罚款数额');

  // Nothing on the page is wider than the screen (a phone too).
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);

  await page.getByRole('link', { name: /关于修改/ }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('关于修改《某市道路停车管理办法》的决定');
  await expect(page.getByRole('heading', { name: '本文件修改或废止的文件' })).toBeVisible();
});

test('a number typed with ordinary brackets finds its document', async ({ page }) => {
  await page.goto('/documents?status=expired');
  const card = page.locator('li.card').first();
  const meta = await card.locator('.meta').innerText();
  const number = meta.split(' · ')[0];
  expect(number).toMatch(/^长城管规〔\d{4}〕\d+号$/);
  await page.goto('/documents');
  await page.getByLabel('标题、文号或正文字词').fill(number.replace('〔', '[').replace('〕', '] '));
  await page.getByRole('button', { name: '检索' }).click();
  await expect(page.locator('li.card')).toHaveCount(1);
  await expect(page.locator('li.card')).toContainText('某市冬季道路除雪工作办法');
  await expect(page.locator('li.card')).toContainText('已失效');
});
