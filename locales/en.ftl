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
cmd-pm = Private message: /pm username text
cmd-inbox = The last messages you received
cmd-history = Conversation with someone: /history username
cmd-room = Enter the common room
cmd-leave = Leave the common room
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
    /pm username text: a private message
    /inbox: the last messages you received
    /history username: your conversation with someone
    /room: the common room; /leave to exit
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

    Confirming lets whoever knows that account's password sign in to Gramdesk as you: see and change your tasks, read your messages and write on your behalf{ $admin ->
        [yes] , with your admin rights
       *[other] {""}
    }.

    If it was you, confirm within 15 minutes. If not, decline: nothing will be created, and nobody can ask you again for an hour.
registration-confirm = ✅ Confirm
registration-decline = ❌ Decline
registration-confirmed = ✅ Confirmed: the account <b>@{ $username }</b> is active. You can log in with its password.
registration-declined = ❌ Declined: the account <b>@{ $username }</b> was not created.
registration-expired = ⌛ The request for the account <b>@{ $username }</b> expired without an answer; nothing was created.
registration-not-found = This request does not exist or is not yours.
link-confirm-request =
    🔗 Link this Telegram to the Gramdesk account <b>@{ $username }</b> (created { $created })?

    If you confirm, the account gets this chat:
    • your tasks, comments and messages move into it, and whoever knows its password can read and change them;
    • private messages and room messages for you also reach that account's apps;
    • your settings{ $admin ->
        [yes] {" "}and your admin rights
       *[other] {""}
    } go to the account.

    Confirm only if <b>@{ $username }</b> is your own account. The token works until { $expires }.
link-confirm = ✅ Link my Telegram
link-decline = ❌ Decline
link-declined = ❌ Declined. Nothing was linked, and this token no longer works.
link-attached = Successfully attached token '{ $token }'
link-attached-account = Your Telegram is now linked to the Gramdesk account <b>@{ $username }</b>.
link-invalid-format = Invalid token format
link-no-such-token = No such token
link-request-gone = This request is no longer valid.
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

## chat
menu-chat = 💬 Chat
chat-screen =
    💬 <b>Chat</b>

    ✉️ <code>/pm username text</code>: a private message (the username is their Gramdesk or Telegram one, with or without @)
    📜 <code>/history username</code>: your conversation with someone, newest first
    📥 /inbox: the last 20 messages you received
    🏠 /room: the common room; /leave to exit

    Messages you receive come with a ↩️ Reply button.
chat-room-button = 🏠 Room
chat-inbox-button = 📥 Inbox
chat-pm-usage =
    ✍️ Write the username, then the message:
    <code>/pm username text</code>
    For example: <code>/pm { $handle } Hi! See you at six?</code>
chat-pm-sent = ✅ Sent to { $handle }
chat-pm-stored = 📥 Saved for { $handle }. They can't be notified right now and will see it when they are back.
chat-pm-blocked = 🚫 { $handle } has blocked the bot, so the message can't reach them. Nothing was sent.
chat-pm-self = ❌ You can't send a message to yourself.
chat-pm-rate-limited = ⏳ Easy there: at most { $limit } private messages a minute. Please try again in { $seconds } s.
chat-user-not-found = ❌ There is no user { $handle }. Check the username: it is their Gramdesk or Telegram username.
chat-user-gone = ❌ This user is no longer available.
chat-text-too-long = ❌ That is { $length } characters; the limit is { $max }. Please send a shorter message.
chat-text-empty = ❌ The message is empty. Please send some text.
chat-reply-prompt = ✍️ Reply to { $handle }: send your message, or /cancel.
chat-reply-not-text = ✍️ Please send the reply as text, or /cancel.
chat-room-joined =
    🏠 <b>Room</b>: you're in.
    Everything you write now goes to everyone in the room. /leave to exit.
chat-room-already =
    🏠 <b>Room</b>: you're already in.
    Everything you write goes to everyone in the room. /leave to exit.
chat-room-recent = Latest messages:
chat-room-empty = No messages yet. Say hello!
chat-room-leave = 🚪 Leave the room
chat-room-left = 👋 You left the room.
chat-room-not-in = You're not in the room. /room to join.
chat-room-gone = 🚪 You're no longer in the room (you left it elsewhere), so this was not sent. /room to join again.
chat-room-text-only = ❌ Only text goes to the room.
chat-room-rate-limited = ⏳ Easy there: at most { $limit } room messages a minute. Please try again in { $seconds } s.
chat-inbox-title =
    📥 <b>Inbox</b>: the last messages you received, newest first
    🕒 Times in { $timezone }
chat-inbox-empty = 📭 Your inbox is empty. Messages people send you with /pm will show up here.
chat-inbox-reply = ↩️ Reply to { $handle }
chat-history-title = 📜 <b>Conversation with { $handle }</b> · page { $page }
chat-history-hint = Newest first · 🕒 { $timezone }
chat-history-empty = 📜 No messages with { $handle } yet. Start with <code>/pm { $handle } Hi!</code>
chat-history-usage =
    📜 Whose conversation? <code>/history username</code>
    For example: <code>/history @anna</code>
chat-history-self = ❌ That's you. /inbox shows the messages you received.
chat-line-out = ➡️ <b>{ $name }</b> · { $time }: { $text }
chat-line-in = ⬅️ <b>{ $name }</b> · { $time }: { $text }

## chat delivery
chat-pm-incoming = 💬 { $sender }: { $text }
chat-pm-reply = ↩️ Reply
chat-pm-notice = 📨 { $count ->
        [one] { $count } new message
       *[other] { $count } new messages
    } from { $sender } — /inbox
# The last item of the sender list in a notice when more people wrote than are named.
chat-pm-notice-others = { $count ->
        [one] { $count } other
       *[other] { $count } others
    }
chat-room-line = <b>{ $name }</b>: { $text }

## admin
cmd-admin = Admin panel
cmd-newmailing = Create a mailing
menu-admin = 🛠 Admin
admin-not-allowed = ⛔ Not allowed
admin-home =
    🛠 <b>Admin panel</b>
    Choose a section.
admin-stats-button = 📊 Stats
admin-users-button = 👥 Users
admin-mailings-button = 📨 Mailings
admin-refresh = 🔄 Refresh
admin-to-home = 🛠 Admin panel
admin-stats =
    📊 <b>Stats</b>

    <b>Users</b>: { $total }
    Active in 7 days: { $active }
    Blocked the bot: { $blocked }
    Banned: { $banned }

    <b>Tasks</b>: to do { $todo }, in progress { $inProgress }, done { $done }
    <b>Messages</b> in 24 h: { $messages }
    <b>Mailings</b>: scheduled { $scheduled }, running { $running }, completed { $completed }, cancelled { $cancelled }
admin-search-prompt = 🔎 Send a username prefix (e.g. <code>ann</code> or <code>@ann</code>) or a numeric user or Telegram id. /cancel to stop.
admin-search-invalid = That is neither a username prefix (letters, digits, _) nor a numeric id. Try again or /cancel.
admin-search-results = 🔎 Users matching <b>{ $query }</b>: { $count }
admin-search-empty = 🔎 Nobody matches <b>{ $query }</b>.
admin-search-again = 🔎 New search
admin-user-not-found = ❌ User not found.
admin-card-title = 👤 <b>{ $name }</b> (id { $id })
admin-card-telegram = Telegram: { $telegram }
admin-card-account = Account: { $account }
admin-card-language = Language: { $language }, time zone: { $timezone }
admin-card-phone = Phone: { $phone } (operator { $operator })
admin-card-tags = Tags: { $tags }
admin-card-role = Role: { $role }
admin-card-status = Status: { $status }
admin-card-created = Created: { $created }
admin-card-seen = Last seen: { $seen }
admin-role-user = user
admin-role-admin = admin
admin-status-active = active
admin-status-banned = ⛔ banned
admin-status-bot-blocked = (blocked the bot)
admin-ban = ⛔ Ban
admin-unban = ✅ Unban
admin-make-admin = ⭐ Make admin
admin-remove-admin = ➖ Remove admin
admin-add-tag = 🏷 Add tag
admin-remove-tag = ❌ #{ $tag }
admin-back-to-results = ◀️ To the results
admin-banned = User banned.
admin-unbanned = User unbanned.
admin-made-admin = Now an admin.
admin-removed-admin = No longer an admin.
admin-tag-removed = Tag removed.
admin-tags-added = ✅ Tags saved.
admin-tag-prompt = 🏷 Send one or more tags for { $name } (letters, digits, _ and -, separated by spaces). /cancel to stop.
admin-tag-invalid = Tags are letters, digits, _ and - (up to 32 characters each, at most 10 per user). Try again or /cancel.
admin-self = You cannot do that to yourself.

## mailings
mailings-list-title = 📨 <b>Mailings</b> (newest first)
mailings-list-empty = 📨 No mailings yet.
mailings-new = ➕ New
mailing-status-scheduled = 🕒 scheduled
mailing-status-running = ▶️ running
mailing-status-completed = ✅ completed
mailing-status-cancelled = ✖️ cancelled
mailing-list-item = #{ $id } { $status } · { $sent }/{ $total }
mailing-not-found = ❌ Mailing not found.
mailing-text-prompt = ✍️ Send the mailing text (HTML formatting allowed: &lt;b&gt;, &lt;i&gt;, &lt;a href="…"&gt;…; up to { $max } characters). /cancel to stop.
mailing-text-too-long = The text has { $length } characters; the limit is { $max }. Send a shorter one.
mailing-text-html = The HTML is not valid: { $error }. Fix it and send the text again.
mailing-preview = 👆 This is exactly what recipients will get.
mailing-audience-prompt =
    👥 <b>Who gets it?</b>
    Audience: { $audience }
    Recipients now: <b>{ $count }</b>
mailing-audience-hint = Combine the conditions as you like: a recipient must match every one you set (and any value within it). The number on a button is how many recipients you get by pressing it.
mailing-audience-everyone = 👥 Everyone · { $count }
mailing-audience-tags = 🏷 Tags…
mailing-audience-operators = 📱 Operator codes…
mailing-audience-language = { $label } · { $count }
mailing-audience-continue = ➡️ Continue with { $count } { $count ->
        [one] recipient
       *[other] recipients
    }
mailing-audience-continue-none = 🚫 No recipients
mailing-audience-nobody = Nobody matches these conditions right now. Remove one of them or choose Everyone.
mailing-audience-tags-prompt = 🏷 Send the tags, separated by spaces or commas, e.g. <code>#vip, beta</code>: recipients need any one of them. They replace the current tags; /skip removes the tag condition.
mailing-audience-operators-prompt = 📱 Send the phone operator codes, separated by spaces or commas, e.g. <code>916 903</code>: recipients need any one of them. They replace the current codes; /skip removes the operator condition.
mailing-audience-values-empty = I found no values there. Send them again, or /skip.
mailing-audience-tags-invalid = A tag is at most 32 characters long. Send the tags again, or /skip.
mailing-audience-operators-invalid = An operator code is digits only (up to 8), e.g. <code>916</code>. Send the codes again, or /skip.
mailing-audience-too-many = At most { $max } values. Send fewer, or /skip.
mailing-audience-values-invalid = That does not look right ({ $error }). Try again.
mailing-audience-operators-label = operator codes
mailing-audience-all = everyone
mailing-start-prompt = 🕒 When to start? Tap Now or send a date and time in your time zone ({ $timezone }), e.g. <code>{ $example }</code>.
mailing-start-now = ▶️ Now
mailing-when-invalid = I could not read “{ $input }” as a date and time. Example: <code>{ $example }</code>.
mailing-when-past = { $when } has already passed. Send a time ahead.
mailing-end-prompt = 🏁 Until when may it be sent? A date and time in { $timezone }, after the start.
mailing-end-before-start = The end must be after the start ({ $start }). Send a later time.
mailing-window-prompt = 🕘 A local sending window in each recipient’s time zone, e.g. <code>09:00-21:00</code>, or /skip to send at any hour.
mailing-window-invalid = A window looks like <code>09:00-21:00</code> (start and end differ). Try again or /skip.
mailing-summary =
    📨 <b>New mailing</b>
    Audience: { $audience } ({ $count } recipients now)
    Start: { $start }
    End: { $end }
    Window: { $window }
    Create it?
mailing-window-none = any time
mailing-create = ✅ Create
mailing-created = ✅ Mailing #{ $id } created.
mailing-card =
    📨 <b>Mailing #{ $id }</b> · { $status }
    Start: { $start } · End: { $end } (your time)
    Audience: { $audience } · window: { $window }
    { $bar } { $percent }%
    ⏳ pending { $pending } · ⚙️ processing { $processing } · ✅ sent { $sent }
    ❌ error { $error } · ⌛ expired { $expired } · ❔ unknown { $unknown }
    Rate: { $rate } msg/s · ETA: { $eta }
mailing-eta-unknown = —
mailing-refresh = 🔄 Refresh
mailing-cancel = ✖️ Cancel mailing
mailing-cancel-confirm = Cancel mailing #{ $id }? Nothing more will be sent.
mailing-cancel-yes = ✖️ Yes, cancel it
mailing-cancel-no = ◀️ No, keep it
mailing-cancelled = Mailing cancelled.
mailing-already-finished = The mailing has already finished.
mailing-to-list = ◀️ To the list
mailing-daily-summary = 📊 <b>Mailings yesterday</b> ({ $date })
mailing-daily-summary-line = #{ $id } · { $status } · ✅ { $sent } · ❌ { $error } · ⌛ { $expired } · ❔ { $unknown }
