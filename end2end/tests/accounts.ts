// Staff accounts for browser tests, made the way an administrator makes them: `canyu create-admin`,
// then the administration page; each new account's holder sets its password with the setup code.
import { Browser, Page, expect } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { serverEnv } from '../playwright.config';

export function uniquePhone(): string {
  return '139' + String(Date.now() % 1e8).padStart(8, '0');
}

/** A signed-in staff member of `agency` with `role` (the label shown on the administration page). */
export async function staffMember(browser: Browser, agency: string, role = '起草单位工作人员'): Promise<Page> {
  const out = execFileSync('../target/debug/canyu', ['create-admin', 'e2e-admin'], { env: { ...process.env, ...serverEnv } }).toString();
  const adminPw = out.trim().split(': ').pop()!;
  const adminCtx = await browser.newContext();
  const admin = await adminCtx.newPage();
  await admin.goto('/login');
  await admin.getByLabel('手机号码或电子邮箱').fill('e2e-admin');
  await admin.getByLabel('密码').fill(adminPw);
  await admin.getByRole('button', { name: '登录' }).click();
  await admin.getByLabel('当前密码').fill(adminPw);
  await admin.getByLabel('新密码（至少8位）').fill('admin-new-password');
  await admin.getByRole('button', { name: '保存' }).click();
  await expect(admin.getByRole('heading', { name: '系统管理' })).toBeVisible();
  const login = `staff${Date.now()}@gov.example`;
  await admin.getByLabel('手机号码或电子邮箱', { exact: true }).fill(login);
  await admin.getByLabel('姓名').fill(`${agency} 测试员`);
  await admin.getByLabel('角色').selectOption({ label: role });
  await admin.getByLabel('所属单位').selectOption({ label: agency });
  await admin.getByRole('button', { name: /创建账号/ }).click();
  const notice = (await admin.getByRole('status').textContent())!;
  const code = notice.match(/一次性设置码：([\w-]+)/)![1];
  await adminCtx.close();

  const ctx = await browser.newContext();
  const staff = await ctx.newPage();
  await staff.goto('/account/setup');
  await staff.getByLabel('手机号码或电子邮箱').fill(login);
  await staff.getByLabel('设置码').fill(code);
  await staff.getByLabel('新密码（至少8位）').fill('staff-new-password');
  await staff.getByRole('button', { name: '设置密码并登录' }).click();
  // Signed in and sent on to the staff home (the setup page itself again would mean a refusal).
  await staff.waitForURL((u) => u.pathname !== '/account/setup');
  return staff;
}
