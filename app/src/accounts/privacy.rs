//! The privacy notice (`/privacy`) citizens agree to when they register: what the platform
//! collects, what becomes public, what never does, how long it is kept, and how to delete it.
use leptos::prelude::*;
use leptos_meta::Title;

/// `/privacy`.
#[component]
pub fn PrivacyPage() -> impl IntoView {
    view! {
        <Title text="隐私说明" />
        <article class="privacy">
            <h1>"隐私说明"</h1>
            <h2>"我们收集什么"</h2>
            <ul>
                <li>"注册时：手机号码或电子邮箱（作为登录账号）、密码（只保存不可还原的摘要）、昵称，以及您选填的真实姓名。"</li>
                <li>"您在“我的账号”中验证的电子邮箱（用于找回密码和通知）。"</li>
                <li>"您提交的意见、提交时间和回执编号；您提出的信访、投诉等事项及其中的身份和联系方式。"</li>
                <li>"为防止滥用：登录失败的次数（来源地址只保存摘要）和登录状态。"</li>
            </ul>
            <h2>"哪些会公开"</h2>
            <ul>
                <li>"意见经审核后公开，公开的是意见内容、所针对的条款和提交时间，不显示昵称或账号。"</li>
                <li>"昵称只显示在您自己登录后的页面上。"</li>
            </ul>
            <h2>"哪些不会公开"</h2>
            <ul>
                <li>"登录账号（手机号码或电子邮箱）、真实姓名、验证的邮箱，任何时候都不会公开。"</li>
                <li>"信访、投诉事项中的身份和联系方式单独加密保存，只有信访工作人员因办理需要才能查看，每次查看都登记原因。"</li>
            </ul>
            <h2>"保存多久"</h2>
            <ul>
                <li>"账号信息保存到您注销账号为止；登录状态14天后失效；找回密码和验证邮箱的验证码30分钟内有效，用过即作废。"</li>
                <li>"邮件发出后，平台不再保存邮件正文。"</li>
                <li>"公开的意见作为征求意见的公开记录，随征求意见一同保存；信访、投诉事项由信访部门依照有关规定保存。"</li>
            </ul>
            <h2>"如何删除"</h2>
            <p>"登录后在" <a href="/account">"我的账号"</a> "中注销账号：账号信息、站内消息和登记的邮箱随即删除；已公开的意见仍作为公开记录保留，但不再与任何账号关联；信访事项仍可凭受理编号和查询码查询。"</p>
        </article>
    }
}
