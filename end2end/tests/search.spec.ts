// Searching the demo data in Chinese: a plain form without JavaScript, live results with it.
import { test, expect } from '@playwright/test';

test('a citizen searches for a word and follows a hit to the exact article', async ({ page, javaScriptEnabled }) => {
  await page.goto('/search');
  if (javaScriptEnabled) {
    await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(1, { timeout: 15_000 });
    // Results follow the typing, no button needed.
    await page.getByLabel('搜索词').pressSequentially('疏散通道');
  } else {
    await page.getByLabel('搜索词').fill('疏散通道');
    await page.getByRole('button', { name: '搜索' }).click();
  }
  const link = page.getByRole('link', { name: /· 第八条$/ });
  const hit = page.locator('li.hit', { has: link });
  await expect(hit.locator('mark').first()).toHaveText('疏散通道');
  // The address bar holds the search (live results write it as the form would), so it can be shared.
  await expect(page).toHaveURL(/[?&]q=%E7%96%8F%E6%95%A3%E9%80%9A%E9%81%93/);
  await link.click();
  await expect(page).toHaveURL(/\/consultations\/1#a8$/);
  await expect(page.locator('#a8')).toContainText('疏散通道');
});
