// Legislative project proposals, as a citizen meets them: this year's open call takes a proposal
// (what they typed is kept when something is missing, markup stays text) and lists it with its
// receipt; last year's published call shows the plan, each proposal's outcome, and the draft the
// plan item became. The same with JavaScript off and on a phone.
import { test, expect } from '@playwright/test';
import { uniquePhone } from './accounts';

test('a citizen proposes a subject for the plan and follows a published plan item to its draft', async ({ page }) => {
  await page.goto('/register');
  await page.getByLabel('手机号码或电子邮箱').fill(uniquePhone());
  await page.getByLabel('密码（至少8位）').fill('a-strong-password');
  await page.getByLabel('昵称').fill('立法建议人');
  await page.getByLabel('我已阅读并同意隐私说明').check();
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByText('立法建议人')).toBeVisible();

  await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '立法建议' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('立法项目建议征集');
  const open = page.locator('li.card', { hasText: '征集中' });
  await open.getByRole('link').click();
  await expect(page.getByRole('heading', { name: '提出立法项目建议' })).toBeVisible();

  // Something missing: refused next to the field, what was typed kept.
  const subject = `<b>关于制定夜市摊点管理规定的建议</b>（${test.info().project.name}）`;
  await page.getByLabel('建议项目名称').fill(subject);
  await page.getByLabel('立法的必要性和要解决的问题').fill(' ');
  await page.getByRole('button', { name: '提交建议' }).click();
  await expect(page.locator('.field-error')).toContainText('请填写立法的必要性和要解决的问题');
  await expect(page.getByLabel('建议项目名称')).toHaveValue(subject);

  await page.getByLabel('立法的必要性和要解决的问题').fill('夜市占道经营缺少统一规则，扰民问题突出。');
  await page.getByRole('button', { name: '提交建议' }).click();
  const own = page.locator('section', { has: page.getByRole('heading', { name: '我提出的建议' }) });
  await expect(own).toContainText(subject);
  await expect(own).toContainText(/回执号 JY-\d{4}-/);
  await expect(own).toContainText('待审核');

  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow, 'no sideways scrolling').toBeLessThanOrEqual(0);

  // Last year's call: the outcome, the plan, and the draft its item became.
  await page.goto('/legislation');
  await page.locator('li.card', { hasText: '结果已于' }).getByRole('link').click();
  await expect(page.getByRole('heading', { name: '征集情况和立法计划' })).toBeVisible();
  const proposal = page.locator('li.card', { hasText: '关于制定既有住宅加装电梯办法的建议' });
  await expect(proposal).toContainText('处理结果：列为调研论证：涉及不动产权利，先行开展立法调研');
  await expect(page.locator('table')).toContainText('正式项目');
  // The item's own page: the proposal that led to it and the draft it became.
  await page.locator('table').getByRole('link', { name: '某市电动自行车管理条例', exact: true }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('某市电动自行车管理条例');
  await expect(page.locator('li.card').first()).toContainText('关于制定电动自行车管理条例的建议');
  await page.getByRole('region', { name: '起草和征求意见' }).getByRole('link').first().click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('电动自行车管理条例');
  // And back from the draft to its plan item.
  await page.getByRole('link', { name: '某市电动自行车管理条例', exact: true }).click();
  await expect(page).toHaveURL(/\/legislation\/items\/\d+$/);
});
