// A citizen files a petition, keeps the number and query code, and later reads the decision; the
// petition office transfers it and the unit decides it through their pages. JavaScript on, off, phone.
import { test, expect } from '@playwright/test';
import { staffMember, uniquePhone } from './accounts';

test('a citizen files a petition, gets the query code and later sees the decision', async ({ page, browser, javaScriptEnabled }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  const phone = uniquePhone();
  await page.goto('/register');
  await page.getByLabel('手机号码或电子邮箱').fill(phone);
  await page.getByLabel('密码（至少8位）').fill('a-strong-password');
  await page.getByLabel('昵称').fill('信访测试市民');
  await page.getByLabel('我已阅读并同意隐私说明').check();
  await page.getByRole('button', { name: '注册' }).click();
  await expect(page.getByText('信访测试市民')).toBeVisible();

  await page.getByRole('link', { name: '信访投诉' }).click();
  await page.getByRole('link', { name: '提出信访事项' }).click();
  const matter = `公交站台被占用（${test.info().project.name}）`;
  await page.getByLabel('申诉求决').check();
  await page.getByLabel('事项（标题，100字以内）').fill(matter);
  await page.getByLabel('事实和理由').fill('站台长期被出租车占用，公交车无法进站。');
  await page.getByLabel('请求', { exact: true }).fill('请清理站台。');
  await page.getByLabel('姓名').fill('测试市民');
  // Forgot the phone: refused with the message by the field, the rest kept.
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.getByText('请至少留一种联系方式')).toBeVisible();
  await expect(page.getByLabel('事实和理由')).toHaveValue('站台长期被出租车占用，公交车无法进站。');
  await page.getByLabel('联系电话').fill(phone);
  await page.getByRole('button', { name: '提交' }).click();
  await expect(page.getByRole('heading', { name: '已提交' })).toBeVisible();
  const number = (await page.locator('#case-number').textContent())!.trim();
  const code = (await page.locator('#query-code').textContent())!.trim();
  expect(number).toMatch(/^XF-\d{4}-\d{6}$/);
  expect(code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

  // The petition office transfers it; the unit accepts and decides.
  const officer = await staffMember(browser, '市信访局', '信访工作人员');
  await expect(officer.getByRole('heading', { name: '信访工作台' })).toBeVisible();
  await officer.getByRole('link', { name: number }).first().click();
  await officer.getByLabel('责任单位').selectOption({ label: '市交通运输局' });
  await officer.getByRole('button', { name: '转送', exact: true }).click();
  await expect(officer.locator('#case-status')).toContainText('已转送');
  await officer.context().close();
  const unit = await staffMember(browser, '市交通运输局');
  await unit.goto('/staff/cases');
  await unit.getByRole('link', { name: number }).click();
  await unit.getByRole('button', { name: '受理' }).click();
  await expect(unit.locator('#case-status')).toContainText('办理中');
  await unit.getByLabel('处理意见', { exact: true }).selectOption({ label: '支持' });
  await unit.getByLabel('处理意见书正文').fill('已设置禁停标志并加强巡查。');
  await unit.getByLabel('法律、政策依据').fill('《道路交通安全法》');
  await unit.getByRole('button', { name: '出具处理意见' }).click();
  await expect(unit.locator('#case-status')).toContainText('已出具处理意见');
  await unit.context().close();

  // Later, with the number and the code only (signed out).
  await page.context().clearCookies();
  await page.goto('/cases/track');
  await page.getByLabel('编号').fill(number);
  await page.getByLabel('查询码').fill(code);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page.locator('#case-status')).toHaveText('已出具处理意见');
  await expect(page.locator('.decision')).toHaveText('支持');
  await expect(page.locator('.steps')).toContainText('已设置禁停标志并加强巡查。');
  await page.getByLabel('5分 非常满意').check();
  await page.getByRole('button', { name: '提交评价' }).click();
  await expect(page.getByRole('status')).toContainText('感谢您的评价');
  expect(errors).toEqual([]);
});
