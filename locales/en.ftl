## common
apology = 😔 Sorry, something went wrong on our side. Please try again; /menu always starts over.
unknown-command = I don't know the command { $command }. /help lists what I can do.
unknown-text = I'm not sure what you mean. Open the /menu or see /help.
stale-button = This button is no longer active. Here is the current menu.
menu-outdated = The menu has changed; here is the current one.
blocked = ⛔ Your access to Gramdesk has been blocked by an administrator.
cancelled = Cancelled.
cancel = ✖️ Cancel
nothing-to-cancel = There is nothing to cancel. /menu shows the main menu.
back = ◀️ Back
on = on
off = off
not-set = not set

## commands
cmd-start = Start Gramdesk and show the main menu
cmd-menu = Main menu
cmd-tasks = Your tasks
cmd-newtask = Create a task
cmd-settings = Settings
cmd-help = What I can do
cmd-cancel = Cancel the current action

## start
welcome-new =
    👋 Welcome to <b>Gramdesk</b>, { $name }!
    Your workspace inside Telegram. Tap a button below to begin.
welcome-back = 👋 Welcome back, { $name }!

## menu
main-menu =
    🏠 <b>Gramdesk</b>
    What would you like to do?
menu-tasks = 📋 Tasks
menu-settings = ⚙️ Settings
menu-help = ❓ Help

## help
help =
    <b>Gramdesk</b>: your workspace inside Telegram.

    /menu: main menu
    /tasks: your tasks (also from the menu)
    /newtask: create a task
    /settings: language, time zone, notifications, phone and name
    /cancel: leave the current dialog
    /help: this message

    Buttons under messages do the rest. If a button stops responding, send /menu.

## settings
settings-title = ⚙️ <b>Settings</b>
settings-summary =
    { settings-title }

    🌐 Language: { $language }
    🕒 Time zone: { $timezone } (now { $time })
    🔔 Notifications: { $notifications }
    📱 Phone: { $phone }
    👤 Display name: { $name }
    🔗 HTTP account: { $account }
settings-phone-value = { $phone } (operator code { $code })
settings-language = 🌐 Language
settings-timezone = 🕒 Time zone
settings-notifications = 🔔 Notifications: { $state }
settings-phone = 📱 Share phone
settings-name = 👤 Display name
settings-choose-language = 🌐 Choose your language:
settings-language-changed = ✅ Language: English
settings-choose-timezone =
    🕒 Choose your time zone, or tap “Other…” and type one.
    Current: <b>{ $timezone }</b> (now { $time })
settings-timezone-other = ✏️ Other…
settings-timezone-prompt =
    🕒 Send your time zone as an IANA name, e.g. <code>Europe/Moscow</code> or <code>America/New_York</code>, or as a UTC offset like <code>+3</code>.
    /cancel keeps the current one.
settings-timezone-invalid =
    ❌ “{ $input }” is not a time zone I know.
    Try for example <code>Europe/Berlin</code>, <code>Asia/Almaty</code> or <code>+5</code>. /cancel keeps the current one.
settings-timezone-saved = ✅ Time zone: <b>{ $timezone }</b> (now { $time })
settings-notifications-changed = 🔔 Notifications { $state }
settings-phone-prompt =
    📱 Tap the button below to share your phone number with Gramdesk.
    It is used to address mailings (your operator code); nobody else sees it.
settings-phone-button = 📱 Share my phone number
settings-phone-cancel = ✖️ Cancel
settings-phone-saved = ✅ Phone saved: { $phone }
settings-phone-saved-code = ✅ Phone saved: { $phone } (operator code { $code })
settings-phone-not-own = ❌ Please share your own contact with the button below, not someone else's.
settings-phone-invalid = ❌ Telegram sent a phone number I cannot read. Please try again.
settings-phone-cancelled = Phone sharing cancelled.
settings-name-prompt =
    👤 Send the name other Gramdesk users will see (up to { $max } characters).
    Current: <b>{ $name }</b>
    /reset uses your Telegram name, /cancel keeps the current one.
settings-name-too-long = ❌ That is { $length } characters; the limit is { $max }. Please send a shorter name.
settings-name-empty = ❌ The name cannot be empty. Please send a name, or /cancel.
settings-name-invalid = ❌ The name contains invisible control characters. Please send plain text.
settings-name-not-text = Please send the name as a text message, or /cancel.
settings-name-saved = ✅ Display name: <b>{ $name }</b>
settings-name-reset = ✅ Your Telegram name will be shown: <b>{ $name }</b>
settings-back-to = ⚙️ Settings
settings-account-none = not linked
settings-unlink = 🔓 Unlink @{ $username }
settings-unlink-confirm =
    🔓 Unlink the Gramdesk account <b>@{ $username }</b> from this Telegram?

    The account keeps its data and can still be used over HTTP; messages for it will no longer come here. You can link again later with a new token.
settings-unlink-yes = 🔓 Yes, unlink
settings-unlinked = Unlinked @{ $username }

## accounts
registration-confirm-request =
    🔐 Someone wants to create the Gramdesk account <b>@{ $username }</b> linked to your Telegram.

    If it was you, confirm within 15 minutes. If not, decline: nothing will be created.
registration-confirm = ✅ Confirm
registration-decline = ❌ Decline
registration-confirmed = ✅ Confirmed: the account <b>@{ $username }</b> is active. You can log in with its password.
registration-declined = ❌ Declined: the account <b>@{ $username }</b> was not created.
registration-expired = ⌛ The request for the account <b>@{ $username }</b> expired without an answer; nothing was created.
registration-not-found = This request does not exist or is not yours.
link-attached = Successfully attached token '{ $token }'
link-attached-account = Your Telegram is now linked to the Gramdesk account <b>@{ $username }</b>.
link-invalid-format = Invalid token format
link-no-such-token = No such token
link-in-use = Token already in use
link-already-attached = You've already attached token '{ $token }'
link-already-linked = Your Telegram is already linked to the Gramdesk account <b>@{ $username }</b>.

## messages
echo =
    { $firstName }, I got a message from you:
    { $text }

## tasks
task-reminder =
    🔔 Reminder: <b>{ $title }</b>
    Due: { $due }
task-reminder-open = 📂 Open
tasks-title = 📋 <b>Tasks</b> · { $filter }
tasks-counts = ⏳ { $todo } · 🟡 { $inProgress } · ✅ { $done }
tasks-page = Page { $page }/{ $pages }
tasks-empty-open = No open tasks. Tap “➕ New task” to add one.
tasks-empty-done = No finished tasks yet.
tasks-empty-all = You have no tasks yet. Tap “➕ New task” to add one.
tasks-capped = Showing your newest { $max } tasks; older ones are available over the API.
tasks-filter-open = Open
tasks-filter-done = Done
tasks-filter-all = All
tasks-filter-selected = • { $label } •
tasks-new = ➕ New task
tasks-not-found = ❌ Task not found: it was deleted or is not yours.
task-status-todo = ⏳ To do
task-status-in-progress = 🟡 In progress
task-status-done = ✅ Done
task-card-title = 📌 <b>{ $title }</b>
task-card-no-description = <i>No description</i>
task-card-status = Status: { $status }
task-card-due = 📅 Due: { $due } ({ $timezone })
task-card-overdue = ⚠️ overdue
task-card-due-none = 📅 Due: not set
task-card-tags = 🏷 Tags: { $tags }
task-card-tags-none = 🏷 Tags: none
task-card-comments = 💬 Comments: { $count }
task-card-created = 🕒 Created: { $created }
task-card-updated = ✏️ Updated: { $updated }
task-next-status = ➡️ { $status }
task-edit-title = ✏️ Title
task-edit-description = 📝 Description
task-edit-due = 📅 Due date
task-edit-tags = 🏷 Tags
task-comments = 💬 Comments ({ $count })
task-full-description = 📄 Full description
task-delete = 🗑 Delete
task-back-to-list = ◀️ To the list
task-status-changed = Status: { $status }
task-changed = 🔄 The task has changed; here it is now.
task-delete-confirm =
    🗑 Delete the task <b>{ $title }</b> with its comments?
    This cannot be undone.
task-delete-yes = 🗑 Yes, delete
task-delete-no = ◀️ No, keep it
task-deleted = 🗑 Task deleted
task-created = ✅ Task created
task-saved-title = ✅ Title updated
task-saved-description = ✅ Description updated
task-cleared-description = ✅ Description removed
task-saved-due = ✅ Due date set
task-cleared-due = ✅ Due date removed
task-saved-tags = ✅ Tags updated
task-cleared-tags = ✅ Tags removed
task-new-title-prompt =
    ➕ <b>New task</b>
    Send the title (up to { $max } characters), e.g. <code>Buy milk</code>.
    /cancel stops.
task-new-description-prompt = 📝 Send a description (up to { $max } characters), or /skip.
task-new-due-prompt =
    📅 When is it due? Your time zone: { $timezone }.
    For example <code>{ $iso }</code>, <code>{ $dotted }</code>, <code>tomorrow 9:00</code> or <code>today 18:00</code>.
    /skip: no due date.
task-title-prompt =
    ✏️ Send the new title (up to { $max } characters).
    Now: <b>{ $title }</b>
    /cancel keeps it.
task-title-required = ❌ A task needs a title. Send one, e.g. <code>Buy milk</code>, or /cancel.
task-title-too-long = ❌ That is { $length } characters; the limit is { $max }. Please send a shorter title, e.g. <code>Buy milk</code>.
task-title-empty = ❌ The title cannot be empty. Send one, e.g. <code>Buy milk</code>.
task-title-invalid = ❌ The title contains invisible control characters. Please send plain text, e.g. <code>Buy milk</code>.
task-description-prompt =
    📝 Send the new description (up to { $max } characters).
    /clear removes it, /cancel keeps it.
task-description-too-long = ❌ That is { $length } characters; the limit is { $max }. Please send a shorter description.
task-description-invalid = ❌ The description contains invisible control characters. Please send plain text.
task-due-prompt =
    📅 Send the new due date in your time zone ({ $timezone }), e.g. <code>{ $iso }</code>, <code>{ $dotted }</code>, <code>tomorrow 9:00</code> or <code>today 18:00</code>.
    Now: { $due }
    /clear (or /skip) removes the due date, /cancel keeps it.
task-due-invalid = ❌ “{ $input }” is not a date I understand. Try <code>{ $iso }</code>, <code>{ $dotted }</code>, <code>tomorrow 9:00</code> or <code>today 18:00</code>.
task-due-past = ❌ { $due } is in the past. Please send a later time, e.g. <code>tomorrow 9:00</code>.
task-tags-prompt =
    🏷 Send tags separated by commas or spaces (up to { $max }), e.g. <code>work, urgent</code>.
    Now: { $tags }
    /clear removes them, /cancel keeps them.
task-tags-invalid = ❌ A tag is one word of letters, digits, _ or - (up to 32 characters). Example: <code>work, urgent</code>.
task-tags-too-many = ❌ At most { $max } tags, please. Example: <code>work, urgent</code>.
comments-title = 💬 <b>Comments</b> · { $title }
comments-page = Page { $page }/{ $pages }
comments-empty = No comments yet. Tap “➕ Add comment”.
comments-item = <b>{ $n }.</b> { $author } · { $time }
comments-edited = <i>(edited)</i>
comments-edit = ✏️ { $n }
comments-delete = 🗑 { $n }
comments-add = ➕ Add comment
comments-back = ◀️ To the task
comment-not-found = ❌ Comment not found: it was deleted or is not yours.
comment-prompt =
    💬 Send your comment on <b>{ $title }</b> (up to { $max } characters).
    /cancel stops.
comment-edit-prompt = ✏️ Send the new text of the comment (up to { $max } characters); /cancel keeps it. Now:
comment-too-long = ❌ That is { $length } characters; the limit is { $max }. Please send a shorter comment.
comment-empty = ❌ The comment cannot be empty. Please send some text, or /cancel.
comment-invalid = ❌ The comment contains invisible control characters. Please send plain text.
comment-added = ✅ Comment added
comment-edited = ✅ Comment edited
comment-delete-confirm = 🗑 Delete this comment?
comment-delete-yes = 🗑 Yes, delete
comment-delete-no = ◀️ No, keep it
comment-deleted = 🗑 Comment deleted
