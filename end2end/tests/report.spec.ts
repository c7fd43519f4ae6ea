// The public reads a drafting agency's adoption report: figures, a chart drawn on the server,
// every comment with its answer, the revised draft's changes, CSV and a printable page.
// Runs with JavaScript on, off, and on a phone.
import { test, expect } from '@playwright/test';

test('anyone reads the adoption report of a closed consultation', async ({ page, javaScriptEnabled }) => {
  const errors: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));

  await page.goto('/');
  await page.getByRole('link', { name: /停车收费标准/ }).click();
  await page.getByRole('link', { name: '意见采纳情况说明' }).click();
  await expect(page.getByRole('heading', { level: 1, name: /停车收费标准的决策草案》意见采纳情况说明/ })).toBeVisible();
  await expect(page.locator('.figures')).toContainText('共有2人提出意见5条，公开5条');

  // The chart is an image people can read without JavaScript, and says what it shows.
  const chart = page.getByRole('img', { name: /^采纳情况：/ });
  await expect(chart).toBeVisible();
  await expect(chart).toHaveAttribute('aria-label', /采纳1条，部分采纳1条，未采纳1条/);
  const bars = chart.locator('rect');
  await expect(bars).toHaveCount(5);
  for (const bar of await bars.all()) expect((await bar.boundingBox())!.width, 'each bar is drawn').toBeGreaterThan(5);
  await expect(chart).toContainText('1条（20%）');

  // Every comment with its answer, and the change it led to.
  const answered = page.locator('.report-comments li', { hasText: '短时停车' });
  await expect(answered.locator('.answer')).toHaveText('采纳');
  await expect(page.locator('.report-comments li', { hasText: '新能源汽车' })).toContainText('泊位周转压力');
  await expect(page.locator('.diff del').first()).toHaveText('六');
  await expect(page.locator('.diff ins').first()).toHaveText('五');

  // Nothing on the page is wider than a phone's screen.
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);

  // The CSV download and the printable page.
  const csv = await page.request.get(await page.getByRole('link', { name: '下载CSV' }).getAttribute('href') as string);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(await csv.text()).toContain('部分采纳,采纳分步实施的建议');
  await page.getByRole('link', { name: '打印版' }).click();
  await expect(page.locator('article.report.printable')).toBeVisible();
  await expect(page.locator('.report-comments li')).toHaveCount(5);
  await page.emulateMedia({ media: 'print' });
  await expect(page.locator('.site-header')).toBeHidden();

  if (javaScriptEnabled) expect(errors, 'no console errors').toEqual([]);
});
