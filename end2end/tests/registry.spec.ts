// The registry of normative documents, as a citizen uses it: narrow the list, open a document at
// its citable address, see what an amendment changed, find a document by its number typed with
// ordinary brackets. The same with JavaScript off and on a phone.
import { test, expect } from '@playwright/test';
import { staffMember } from './accounts';

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
  await expect(page.locator('dl.facts').first()).toContainText('已修改');
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

test('a draft leads to the document made from it and back, and the number is an address for citing', async ({ page }) => {
  await page.goto('/documents?status=in_force');
  await page.getByRole('link', { name: '关于调整中心城区公共停车收费标准的决定' }).first().click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('关于调整中心城区公共停车收费标准的决定');
  const address = page.url();
  // Its number leads to the same page, whoever cites it.
  await page.getByRole('link', { name: /^\/documents\/number\// }).click();
  await expect(page).toHaveURL(address);
  // The draft it was made from, and from the draft's page back to it.
  await page.locator('dl.facts').first().getByRole('link', { name: /停车收费标准的决策草案/ }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('停车收费标准的决策草案');
  await page.locator('.resulting-documents').getByRole('link', { name: /关于调整中心城区公共停车收费标准的决定/ }).click();
  await expect(page).toHaveURL(address);
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

test('an agency registers a document, files it for review, puts it to a clean-up and publishes the result that anyone reads', async ({ page, browser }) => {
  const staff = await staffMember(browser, '市城市管理局');
  const title = `某市临时占道管理规定${Date.now()}`;
  const day = new Date(Date.now() - 2 * 86400e3).toISOString().slice(0, 10);
  await staff.goto('/staff/documents/new');
  await staff.getByLabel('标题').fill(title);
  await staff.getByLabel('通过（成文）日期').fill(day);
  await staff.getByLabel('公布日期').fill(day);
  await staff.getByLabel('施行日期').fill(day);
  await staff.getByLabel('全文（按“第一条”等分条）').fill('第一条　为了规范临时占道，制定本规定。\n第二条　本规定自公布之日起施行。');
  await staff.getByRole('button', { name: '登记并编号' }).click();
  await expect(staff.getByRole('heading', { level: 1 })).toHaveText(title);
  const number = (await staff.locator('dl.facts').first().locator('dd').first().innerText()).trim();
  expect(number).toMatch(/^长城管规〔\d{4}〕\d+号$/);
  const documentPage = staff.url();

  // Its policy interpretation, added by the issuing body and public at once.
  await staff.getByRole('link', { name: '添加附件（附件、政策解读等）' }).click();
  await staff.getByLabel('类别').selectOption('interpretation');
  await staff.getByLabel('标题（公开）').fill(`《${title}》政策解读`);
  const pdf = Buffer.from('%PDF-1.7\n1 0 obj <</Type /Catalog>> endobj\ntrailer <<>>\n%%EOF\n');
  await staff.getByLabel('文件', { exact: true }).setInputFiles({ name: '解读.pdf', mimeType: 'application/pdf', buffer: pdf });
  await staff.getByRole('button', { name: '上传' }).click();
  await expect(staff.locator('ul.attachments')).toContainText(`《${title}》政策解读`);
  await expect(staff.locator('ul.attachments')).toContainText('解读.pdf');
  await staff.goto(documentPage);

  // Filed for review with its report, within the period from publication.
  await expect(staff.getByRole('heading', { name: '备案审查' })).toBeVisible();
  await staff.getByLabel('备案报告（制定情况说明，公开）').fill('经合法性审核和集体讨论决定后公布施行。');
  await staff.getByRole('button', { name: '报送备案' }).click();
  await expect(staff.locator('section', { has: staff.getByRole('heading', { name: '备案审查' }) })).toContainText('审查中');

  // Put to a clean-up, then repealed in a published clean-up.
  await staff.getByLabel('变更为').selectOption('to_clean_up');
  await staff.getByLabel('理由（公开）').fill('上位法已修改');
  await staff.getByRole('button', { name: '变更' }).click();
  await expect(staff.locator('dl.facts').first()).toContainText('拟清理');
  await staff.goto('/staff/documents/cleanup');
  await staff.getByLabel('标题').fill(`2026年度规范性文件清理结果（${title}）`);
  const item = staff.locator('fieldset', { hasText: title });
  await item.getByLabel('清理结论').selectOption('repeal');
  await item.getByLabel('理由（公开）').fill('已被新规定取代，予以废止');
  await staff.getByRole('button', { name: '发布清理结果' }).click();
  await expect(staff).toHaveURL(/\/cleanups\/\d+$/);
  await expect(staff.locator('table')).toContainText('废止');

  // Anyone finds the published clean-up and the document's new status.
  await page.goto('/cleanups');
  await page.getByRole('link', { name: new RegExp(title) }).first().click();
  const row = page.locator('tr', { hasText: title });
  await expect(row).toContainText('废止');
  await expect(row).toContainText('已被新规定取代，予以废止');
  await row.getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(title);
  await expect(page.locator('dl.facts').first()).toContainText('已废止');
  await expect(page.getByText('对本文件提出异议审查申请')).toHaveCount(0);
  // Its attachment stays on the record, a download for anyone.
  const file = page.locator('section.attachments').getByRole('link', { name: `《${title}》政策解读` });
  await expect(file).toHaveAttribute('download', '');
  const got = await page.request.get((await file.getAttribute('href'))!);
  expect(got.status()).toBe(200);
  expect(got.headers()['content-disposition']).toMatch(/^attachment;/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);
});

test('a document shows its filing for review and offers an objection review with its number filled in', async ({ page }) => {
  await page.goto('/documents?q=%E5%85%B1%E4%BA%AB%E5%8D%95%E8%BD%A6');
  await page.getByRole('link', { name: '某市共享单车停放管理办法' }).first().click();
  await expect(page.locator('section', { has: page.getByRole('heading', { name: '备案审查' }) })).toContainText('准予备案');
  await expect(page.locator('section.attachments')).toContainText('附件：共享单车禁停区域目录');
  const number = (await page.locator('dl.facts').first().locator('dd').first().innerText()).trim();
  await page.getByRole('link', { name: '对本文件提出异议审查申请' }).click();
  await expect(page.getByLabel('规范性文件的文号（如：长政发〔2026〕12号）')).toHaveValue(number);
});
