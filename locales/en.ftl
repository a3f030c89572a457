## common
apology = 😔 Sorry, something went wrong on our side. Please try again; /menu always starts over.
temporarily-unavailable = ⏳ Gramdesk is temporarily unavailable. Please try again in a minute.
unknown-command = I don't know the command { $command }. /help lists what I can do.
unknown-text = I'm not sure what you mean. If you were answering a question of mine, that dialog is no longer open (I may have been restarted): start it again from /menu. /help lists what I can do.
dialog-gone = This dialog is no longer open (I may have been restarted). Here is the menu: start again from there.
stale-button = This button is no longer active. Here is the current menu.
button-already-used = That button has done its work already: the message shows where things stand now.
menu-outdated = The menu has changed; here is the current one.
blocked = ⛔ Your access to Gramdesk has been blocked by an administrator.
cancelled = Cancelled.
cancel = ✖️ Cancel
nothing-to-cancel = There is nothing to cancel. What would you like to do?
back = ◀️ Back
on = on
off = off
not-set = not set
dialog-cancel = ✖️ Cancel
dialog-skip = ⏭ Skip
dialog-not-text = ✍️ I need a text message here.
dialog-stale-button = This button belongs to an earlier step.
date-today = today { $time }
date-tomorrow = tomorrow { $time }
date-yesterday = yesterday { $time }
date-on = { $day }, { $time }

## commands
cmd-start = Start Gramdesk and show the main menu
cmd-menu = Main menu
cmd-tasks = Your tasks
cmd-newtask = Create a task
cmd-find = Find tasks by words in the title: /find words
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
    /find words: find tasks by words in the title
    /pm username text: a private message
    /inbox: the last messages you received
    /history username: your conversation with someone
    /room: the common room; /leave to exit
    /settings: language, time zone, notifications, phone and name
    /cancel: leave the current dialog
    /help: this message

    Buttons under messages do the rest. If a button stops responding, send /menu.
help-admin =
    🛠 <b>For admins</b>
    /admin: the admin panel (stats, users, mailings)
    /newmailing: a new mailing

## settings
settings-title = ⚙️ <b>Settings</b>
settings-summary =
    { settings-title }

    🌐 Language: { $language }
    🕒 Time zone: { $timezone } (now { $time })
    🔔 Notifications (reminders, private messages): { $notifications }
    📨 Mailings from the admins: { $mailings } (reminders and private messages come either way)
    📱 Phone: { $phone }
    👤 Display name: { $nameSet ->
        [yes] { $name }
       *[no] { settings-name-unset }
    }
    🔗 HTTP account: { $linked ->
        [yes] @{ $account }
       *[no] { settings-account-none }
    }

    🆔 Your Telegram id: <code>{ $telegramId }</code>
    <code>POST /auth/register</code> asks for it when you create a Gramdesk account for apps and scripts; you then confirm it here.
settings-phone-value = { $phone } (operator code { $code })
settings-language = 🌐 Language
settings-timezone = 🕒 Time zone
settings-notifications = 🔔 Reminders & messages: { $state }
settings-phone = 📱 Share phone
settings-name = 👤 Display name
settings-choose-language = 🌐 Choose your language:
settings-language-changed = ✅ Language: English
settings-choose-timezone =
    🕒 Tap your city, share your location, or tap “Other…” and type a zone.
    Current: <b>{ $timezone }</b> (now { $time })
settings-timezone-other = ✏️ Other…
settings-timezone-prompt =
    🕒 Send your time zone: an IANA name like <code>Europe/Berlin</code>, a city like <code>Tokyo</code>, or a UTC offset like <code>UTC+3</code>.
settings-timezone-invalid =
    ❌ “{ $input }” is not a time zone I know.
    Try, for example, <code>Europe/Berlin</code>, <code>Asia/Almaty</code>, <code>New York</code> or <code>UTC+5</code>.
settings-timezone-saved = ✅ Time zone: <b>{ $timezone }</b> (now { $time })
timezone-start =
    🕒 <b>Which time zone are you in?</b>
    That way, reminders come at your local time. Tap your city, share your location, or type it (e.g. <code>Europe/Berlin</code>, <code>UTC+3</code>, <code>Tokyo</code>).
    Until then it is UTC (now { $time }).
timezone-start-menu =
    🕒 <b>Which time zone are you in?</b>
    That way, reminders come at your local time. Tap your city, share your location, or tap “Other…” and type it (e.g. <code>Europe/Berlin</code>, <code>UTC+3</code>, <code>Tokyo</code>).
    Until then it is UTC (now { $time }).
timezone-start-set = ✅ Time zone: <b>{ $timezone }</b> (now { $time }). You can change it in ⚙️ Settings.
timezone-skip = ⏭ Skip (keep UTC)
timezone-skipped = 🕒 Your time zone stays UTC. Set yours any time in ⚙️ Settings → 🕒 Time zone.
timezone-share-location = 📍 Share location
timezone-location-prompt = 📍 Tap the button below to share your location. I use it only to find your time zone and do not keep it.
timezone-location-button = 📍 Send my location
timezone-location-cancel = ✖️ Cancel
timezone-location-cancelled = Location sharing cancelled.
timezone-location-not-zone =
    ❌ “{ $input }” is not a time zone I know.
    Tap “{ timezone-location-button }” below, type a zone (e.g. <code>Europe/Berlin</code>, <code>UTC+3</code>, <code>Tokyo</code>), or tap { timezone-location-cancel }.
timezone-location-none = 🌊 I could not find a time zone for that place (the open sea?). Send another location, or /cancel and pick a city.
settings-notifications-changed = 🔔 Notifications (task reminders, private messages) { $state }
settings-phone-prompt =
    📱 Tap the button below to share your phone number with Gramdesk.
    Gramdesk stores it with its operator code, which mailings can target. Gramdesk admins can see it; other users can't. You can remove it in Settings at any time.
settings-phone-button = 📱 Share my phone number
settings-phone-cancel = ✖️ Cancel
settings-phone-saved = ✅ Phone saved: { $phone }
settings-phone-saved-code = ✅ Phone saved: { $phone } (operator code { $code })
settings-phone-not-own = ❌ Please share your own contact with the button below, not someone else's.
settings-phone-invalid = ❌ Telegram sent a phone number I cannot read. Please try again.
settings-phone-cancelled = Phone sharing cancelled.
settings-phone-typed = 📱 Please share the number with the “{ settings-phone-button }” button below: Telegram confirms it is yours. Or tap { settings-phone-cancel }.
settings-name-prompt =
    👤 Send the name other Gramdesk users will see (up to { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }).
    Current: <b>{ $name }</b>
    /reset restores your Telegram name, /cancel keeps the current one.
settings-name-too-long = ❌ That is { $length ->
        [one] { $length } character
       *[other] { $length } characters
    }; the limit is { $max }. Please send a shorter name.
settings-name-empty = ❌ The name cannot be empty. Please send a name, or /cancel.
settings-name-invalid = ❌ The name contains invisible control characters. Please send plain text.
settings-name-not-text = Please send the name as a text message, or /cancel.
settings-name-saved = ✅ Display name: <b>{ $name }</b>
settings-name-reset = ✅ Your Telegram name will be shown: <b>{ $name }</b>
settings-blocked = 🚫 Blocked people
blocked-title =
    🚫 <b>Blocked people</b>: { $count }
    They can't send you private messages; you can still write to them. Tap ✅ to unblock someone.
blocked-empty =
    🚫 <b>Blocked people</b>

    You haven't blocked anyone. To block someone, open your conversation with them (<code>/history @username</code>, or 📥 Inbox → 📜 History) and tap 🚫 Block: they can then no longer send you private messages.
blocked-unblock = ✅ Unblock { $name }
blocked-unblocked = ✅ { $name } is unblocked: they can message you again.
blocked-not-blocked = This person is not blocked any more.
settings-back-to = ⚙️ Settings
settings-account-none = none yet. To use Gramdesk from apps or scripts too, create an account with <code>POST /auth/register</code> (it asks for the Telegram id below), or link an existing one with the link its owner gets from <code>POST /token</code>.
settings-name-unset = not set (others see “{ $name }”)
settings-phone-change = 📱 Change phone
settings-phone-remove = 🗑 Remove phone
settings-phone-removed = Phone removed.
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

    If it was you, confirm by { $deadline }. If not, decline: nothing will be created, and nobody can ask you again for an hour.
registration-confirm = ✅ Confirm
registration-decline = ❌ Decline
registration-consent-changed = ⚠️ You have since been made an admin: confirming now hands over your admin rights too. Read the request again.
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
link-consent-changed = ⚠️ You have since been made an admin: linking now hands over your admin rights too. Read the request again.
link-declined = ❌ Declined. Nothing was linked, and this token no longer works.
link-attached = Successfully attached token '{ $token }'
link-attached-account = Your Telegram is now linked to the Gramdesk account <b>@{ $username }</b>.
link-invalid-format = Invalid token format
link-no-such-token = No such token
link-request-gone = This request is no longer valid.
link-in-use = Token already in use
link-already-attached = You've already attached token '{ $token }'
link-already-linked = Your Telegram is already linked to the Gramdesk account <b>@{ $username }</b>.
unlink-out-of-date = This confirmation is out of date: nothing was unlinked. Here are your settings as they are now.

## messages
echo =
    { $firstName }, I got a message from you:
    { $text }

## tasks
task-reminder =
    🔔 Reminder: <b>{ $title }</b>
    Due: { $due }
task-reminder-open = 📂 Open
task-reminder-advance =
    🔔 Due in { $before ->
        [hour] an hour
       *[day] a day
    }: <b>{ $title }</b>
    Due: { $due }
task-reminder-done = ✅ Done
task-reminder-snooze-15m = ⏰ 15 min
task-reminder-snooze-1h = ⏰ 1 hour
task-reminder-snooze-tomorrow = ⏰ Tomorrow 9:00
task-reminder-done-note = ✅ Marked as done.
task-reminder-done-toast = ✅ Marked as done
task-reminder-already-done = ✅ This task is already done.
task-reminder-snoozed = ⏰ Snoozed until { $until }.
task-reminder-snoozed-toast = ⏰ I will remind you again { $until }
tasks-title = 📋 <b>Tasks</b> · { $filter }
tasks-counts = ⏳ { $todo } · 🟡 { $inProgress } · ✅ { $done }
tasks-page = Page { $page }/{ $pages }
tasks-empty-open = No open tasks. Tap “➕ New task” to add one.
tasks-empty-done = No finished tasks yet.
tasks-empty-all = You have no tasks yet. Tap “➕ New task” to add one.
tasks-capped = Showing { $max ->
        [one] { $max } task
       *[other] { $max } tasks
    }: all open ones first, then the latest finished. 🔎 Search finds any task.
tasks-overdue = ❗ Overdue: { $count }
tasks-due-today = today { $time }
tasks-due-tomorrow = tomorrow { $time }
tasks-due-yesterday = yesterday { $time }
tasks-search = 🔎 Search
tasks-search-prompt = 🔎 Send a few words from the title, e.g. <code>passport</code>.
tasks-search-title = 🔎 <b>Search</b>: “{ $query }”
tasks-search-found = { $count ->
    [one] One task found
   *[other] { $count } tasks found
}
tasks-search-none = Nothing found. Try other words or fewer of them.
tasks-search-capped = Showing the first { $max ->
        [one] { $max } result
       *[other] { $max } results
    }; add a word to narrow the search.
tasks-search-clear = ✖️ Clear search
tasks-search-again = 🔎 New search
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
task-card-status = Status: <b>{ $status }</b>
task-card-remind-before = 🔔 Also a reminder { $value }
task-card-due = 📅 Due: { $due } ({ $timezone })
task-card-overdue = ⚠️ overdue
task-card-due-none = 📅 Due: not set
task-card-tags = 🏷 Tags: { $tags }
task-card-tags-none = 🏷 Tags: none
task-card-comments = 💬 Comments: { $count }
task-card-created = 🕒 Created: { $created }
task-card-updated = ✏️ Updated: { $updated }
task-status-current = • { $status } •
task-status-same = The task is already “{ $status }”.
task-remind-before = 🔔 In advance: { $value }
task-remind-before-off = off
task-remind-before-hour = 1 hour before
task-remind-before-day = 1 day before
task-remind-before-set = 🔔 Advance reminder: { $value }
task-remind-before-passed = 🔔 It's too late for a reminder { $value }: only the one at the due time will come.
task-edit-title = ✏️ Title
task-edit-description = 📝 Description
task-edit-due = 📅 Due date
task-edit-tags = 🏷 Tags
task-comments = 💬 Comments ({ $count })
task-full-description = 📄 Full description
task-delete = 🗑 Delete
task-back-to-list = ◀️ Back to list
task-status-changed = Status: { $status }
task-changed = 🔄 The task has changed; here it is now.
task-delete-confirm =
    🗑 Delete the task <b>{ $title }</b> with its comments?
    This cannot be undone.
task-delete-yes = 🗑 Yes, delete
task-delete-no = ◀️ No, keep it
task-deleted = 🗑 Task deleted
task-created = ✅ Task created
task-rate-limited = ⏳ Not saved: at most { $limit ->
        [one] { $limit } new task
       *[other] { $limit } new tasks
    } a minute. Please try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }: pick the due date (or Skip) again, the rest is kept.
task-saved-title = ✅ Title updated
task-saved-description = ✅ Description updated
task-cleared-description = ✅ Description removed
task-saved-due = ✅ Due date set
task-cleared-due = ✅ Due date removed
task-saved-tags = ✅ Tags updated
task-cleared-tags = ✅ Tags removed
task-new-title-prompt =
    ➕ <b>New task</b>
    Send the title (up to { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }), e.g. <code>Buy milk</code>.
task-new-description-prompt = 📝 Send a description (up to { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }), or tap ⏭ Skip.
task-new-due-prompt =
    📅 When is it due? Tap a quick pick or 📅 Calendar, or type it in your time zone ({ $timezone }):
    <code>tomorrow 9</code>, <code>friday 6pm</code>, <code>in 2 hours</code>, <code>{ $dotted }</code>.
task-title-prompt =
    ✏️ Send the new title (up to { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }).
    Current: <b>{ $title }</b>
task-title-required = ❌ A task needs a title. Send one, e.g. <code>Buy milk</code>.
task-title-too-long = ❌ That is { $length ->
        [one] { $length } character
       *[other] { $length } characters
    }; the limit is { $max }. Please send a shorter title, e.g. <code>Buy milk</code>.
task-title-empty = ❌ The title cannot be empty. Send one, e.g. <code>Buy milk</code>.
task-title-invalid = ❌ The title contains invisible control characters. Please send plain text, e.g. <code>Buy milk</code>.
task-description-prompt = 📝 Send the new description (up to { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }).
task-description-too-long = ❌ That is { $length ->
        [one] { $length } character
       *[other] { $length } characters
    }; the limit is { $max }. Please send a shorter description.
task-description-invalid = ❌ The description contains invisible control characters. Please send plain text.
task-due-prompt =
    📅 When is it due? Tap a quick pick or 📅 Calendar, or type it in your time zone ({ $timezone }):
    <code>tomorrow 9</code>, <code>friday 6pm</code>, <code>in 2 hours</code>, <code>{ $dotted }</code>.
    Current: { $due }
task-due-invalid = ❌ “{ $input }” is not a date I understand. Try <code>tomorrow 9</code>, <code>friday 6pm</code>, <code>in 2 hours</code> or <code>{ $dotted }</code>.
task-due-past = ❌ That time has already passed: { $due }. Please pick a later time, e.g. <code>tomorrow 9</code>.
task-tags-prompt =
    🏷 Send tags separated by commas or spaces (up to { $max }), e.g. <code>work, urgent</code>.
    Current: { $tags }
task-tags-none = none
task-tags-invalid = ❌ A tag is one word of letters, digits, _ or - (up to 32 characters). Example: <code>work, urgent</code>.
task-tags-too-many = ❌ At most { $max ->
        [one] { $max } tag
       *[other] { $max } tags
    }, please. Example: <code>work, urgent</code>.
dialog-clear-description = 🗑 Remove description
dialog-clear-due = 🗑 Remove due date
dialog-clear-tags = 🗑 Remove tags
due-pick-today = 🌆 Today 18:00
due-pick-tomorrow = 🌅 Tomorrow 9:00
due-pick-monday = 📆 { $day }, 9:00
due-pick-hour = ⏱ In 1 hour
due-pick-calendar = 📅 Calendar
due-pick-back = ↩️ Quick picks
due-pick-day-past = That day has passed: pick today or a later day.
due-pick-back-month = ◀️ Back to calendar
due-pick-day = 📅 Pick a day (time zone { $timezone }), or type a date.
due-pick-time = 🕒 { $day }: pick a time, or type one, e.g. <code>18:30</code> ({ $timezone }).
due-pick-invalid = ⚠️ That button is out of date. Please pick again.
due-zone-unset = 🌍 Your time zone is not set, so times are read in { $timezone } (now { $time } there). If your clock shows another time, tap “🌍 Set time zone”.
due-zone-set = 🌍 Set time zone
due-zone-prompt = 🌍 Which time zone are you in? Tap your city or type it (e.g. <code>Europe/Berlin</code>, <code>UTC+3</code>, <code>Tokyo</code>). Due dates and reminders will follow your local time.
due-zone-back = ↩️ Back to the due date
due-zone-saved = ✅ Time zone: <b>{ $timezone }</b> (now { $time }). Due dates are read in it from now on.
comments-title = 💬 <b>Comments</b> · { $title }
comments-page = Page { $page }/{ $pages }
comments-empty = No comments yet. Tap “➕ Add comment”.
comments-item = <b>{ $n }.</b> { $author } · { $time }
comments-edited = <i>(edited)</i>
comments-edit = ✏️ { $n }
comments-delete = 🗑 { $n }
comments-add = ➕ Add comment
comments-back = ◀️ Back to task
comment-not-found = ❌ Comment not found: it was deleted or is not yours.
comment-prompt =
    💬 Send your comment on <b>{ $title }</b> (up to { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }).
    /cancel to stop.
comment-edit-prompt = ✏️ Send the new text of the comment (up to { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }); /cancel keeps it as is. Current text:
comment-too-long = ❌ That is { $length ->
        [one] { $length } character
       *[other] { $length } characters
    }; the limit is { $max }. Please send a shorter comment.
comment-empty = ❌ The comment cannot be empty. Please send some text, or /cancel.
comment-invalid = ❌ The comment contains invisible control characters. Please send plain text.
comment-added = ✅ Comment added
comment-rate-limited = ⏳ Not added: at most { $limit ->
        [one] { $limit } comment
       *[other] { $limit } comments
    } a minute. Please send it again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
comment-edited = ✅ Comment edited
comment-delete-confirm = 🗑 Delete this comment?
comment-delete-yes = 🗑 Yes, delete
comment-delete-no = ◀️ No, keep it
comment-deleted = 🗑 Comment deleted

# Shared tasks (SPEC §2.2.1)
tasks-scope-mine = Mine
tasks-scope-assigned = Assigned to me
tasks-scope-all = 👥 All
tasks-empty-assigned = Nobody has assigned you a task here yet.
task-card-owner = 👑 Owner: { $name }
task-card-assignee = 👤 Assignee: { $name }
task-assign = 👤 Assign
task-assigned-to = 👤 { $name }
task-assign-title = 👤 Who should do “{ $title }”?
task-assign-current = Now assigned to: { $name }
task-assign-none = Nobody is assigned yet.
task-assign-pick = Pick someone you have chatted with, or type a username.
task-assign-no-contacts = Type the username of a Gramdesk user (people you exchange messages with appear here).
task-assign-type = ⌨️ Type a username
task-assign-remove = 🚫 Take it back
task-assign-prompt = 👤 Send the username of the person who should do “{ $title }”, e.g. @ann_lee.
task-new-assignee-prompt = 👤 Hand this task to someone? Pick a person, send a username, or Skip to keep it yours.
task-assign-stale = ⚠️ The task was reassigned meanwhile: here it is as it is now.
task-assign-refused-unknown = ❌ There is no Gramdesk user @{ $name }. Check the spelling: they need a Gramdesk account or to have started this bot.
task-assign-refused-self = ❌ This is your own task: pick someone else.
task-assign-refused-banned = ❌ @{ $name } cannot be assigned tasks: their account is blocked.
task-assign-refused-picked = ❌ This user is no longer available: pick someone else or type a username.
task-assign-refused-blocked = 🚫 { $name } does not accept tasks from you: pick someone else.
task-assigned = 👤 Assigned to { $name }
task-assigned-no-telegram = ℹ️ { $name } has not started this bot, so they will get no Telegram notices or reminders; they will see the task through the Gramdesk API.
task-unassigned = 👤 The task is yours alone again
task-notice-assigned = 👤 { $by } assigned you a task: <b>{ $title }</b>
task-notice-unassigned = 👤 { $by } took back the task <b>{ $title }</b>: it is no longer assigned to you.
task-notice-status = 🔄 { $by } moved <b>{ $title }</b> to “{ $status }”.
task-notice-comment = 💬 { $by } commented on <b>{ $title }</b>:
    <blockquote>{ $text }</blockquote>
task-notice-open = 📂 Open
task-notice-accept = 👍 Accept
task-notice-accepted = 👍 Accepted: the task is in progress
task-notice-accepted-already = The task is not “to do” any more: here it is.
task-notice-assigned-more = 👤 { $by } assigned you { $count ->
        [one] one more task
       *[other] { $count } more tasks
    }.
task-notice-unassigned-more = 👤 { $by } took back { $count ->
        [one] one more task
       *[other] { $count } more tasks
    } from you.
task-notice-assigned-list = 📥 Assigned to me

## chat
menu-chat = 💬 Chat
chat-screen =
    💬 <b>Chat</b>

    ✉️ <b>New message</b>: pick someone you've messaged before, or type their @username
    📜 <b>History</b>: your conversation with someone
    📥 <b>Inbox</b>: the messages you received (the last { $inbox })
    🏠 <b>Room</b>: the common chat everyone can join

    To answer a message you received, tap ↩️ Reply under it or reply to it (swipe). Photos, documents, voice messages, videos and stickers can be sent too.
    Commands: <code>/pm @username text</code>, <code>/history @username</code>, /inbox, /room, /leave
chat-new-button = ✉️ New message
chat-history-button = 📜 History
chat-room-button = 🏠 Room
chat-inbox-button = 📥 Inbox
chat-back-to-menu = ◀️ Back to menu
chat-back-to-chat = ◀️ Back to chat
chat-pm-usage =
    ✍️ Write the @username, then the message:
    <code>/pm @username text</code>
    For example: <code>/pm { $handle } Hi! See you at six?</code>
chat-pm-sent = ✅ Sent to { $handle }
chat-pm-stored = 📥 Saved for { $handle }. They can't be notified right now and will see it when they are back.
chat-pm-blocked = 🚫 { $handle } has blocked the bot, so the message can't reach them. Nothing was sent.
chat-pm-not-accepted = ✋ { $handle } does not accept messages from you.
chat-pm-self = ❌ You can't send a message to yourself.
chat-pm-rate-limited = ⏳ Easy there: at most { $limit ->
        [one] { $limit } private message
       *[other] { $limit } private messages
    } a minute. Please try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
chat-user-not-found = ❌ There is no user { $handle }. Check the @username: it is their Gramdesk or Telegram username, not their name.
chat-user-gone = ❌ This user is no longer available.
chat-text-too-long = ❌ That is { $length ->
        [one] { $length } character
       *[other] { $length } characters
    }; the limit is { $max }. Please send a shorter message.
chat-text-empty = ❌ The message is empty. Please send some text.
chat-text-invalid = ❌ The message contains characters that cannot be sent (NUL or broken Unicode). Please retype it.
chat-caption-too-long = ❌ The caption is { $length ->
        [one] { $length } character
       *[other] { $length } characters
    } long; Telegram allows { $max }. Please send it again with a shorter caption. Nothing was sent.
chat-reply-prompt = ✍️ Reply to { $handle }: send your message (text, photo, document, voice message, video or sticker).
chat-message-prompt = ✍️ Message to { $handle }: send it (text, photo, document, voice message, video or sticker).
chat-new-prompt =
    ✉️ <b>New message</b>
    Who is it for? Pick someone below, or send their @username (Gramdesk or Telegram).
chat-new-prompt-first =
    ✉️ <b>New message</b>
    Who is it for? Send their @username (Gramdesk or Telegram).
chat-new-not-text = ✉️ Please send the @username as text.
chat-new-not-found = ❌ There is no user { $handle }. Send another @username (not their name).
chat-media-unsupported = ❌ This kind of message can't be relayed. The chat takes texts, photos, documents, voice messages, videos and stickers.
chat-media-no-target = 📎 Who is this for? Reply (swipe) to a message you received with it, or open 💬 Chat → ✉️ New message first. Nothing was sent.
chat-media-photo = 🖼 photo
chat-media-document = 📄 { $name }
chat-media-voice = 🎤 voice message
chat-media-video = 🎬 video
chat-media-sticker = 🙂 sticker
chat-room-preview =
    🏠 <b>Room</b>: the common chat.
    Once you join, everything you write goes to everyone here, until you leave, send another command, or stay silent for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
chat-room-in =
    🏠 <b>You're in the room.</b>
    Everything you write now goes to everyone here. To leave, tap “🚪 Leave the room”, send /leave or any other command, or just stay silent for { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    }.
chat-room-here = { $count ->
        [0] 👥 Nobody is here right now.
        [one] 👥 Here now: { $names }
       *[other] 👥 Here now ({ $count }): { $names }{ $more ->
            [0] {""}
           *[other] {" "}and { $more } more
        }
    }
chat-room-join = ✅ Join the room
chat-room-recent = Latest messages:
chat-room-empty = No messages yet. Say hello!
chat-room-leave = 🚪 Leave the room
chat-room-left = 👋 You left the room.
chat-room-left-by-command = 👋 You left the room. /room to come back.
chat-room-not-in = You're not in the room. /room to join.
chat-room-gone = 🚪 You're no longer in the room (you left it elsewhere), so this was not sent. /room to join again.
chat-room-session-ended = 🚪 Your room session was cut off by a hiccup on our side, so this message was not sent. To come back, tap “{ chat-room-join }” below or send /room.
chat-room-idle-left = 🚪 You left the room after { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } without writing there. /room to come back.
chat-room-idle-unsent = 🚪 You left the room after { $minutes ->
        [one] { $minutes } minute
       *[other] { $minutes } minutes
    } without writing there, so this was not sent. /room to come back.
chat-room-rate-limited = ⏳ Easy there: at most { $limit ->
        [one] { $limit } room message
       *[other] { $limit } room messages
    } a minute. Please try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
chat-inbox-title =
    📥 <b>Inbox</b>: the last messages you received, newest first
    🕒 Times in { $timezone }
chat-inbox-empty = 📭 Your inbox is empty. Messages people send you will show up here.
chat-inbox-reply = ↩️ { $n } · { $handle }
chat-inbox-history = 📜 { $n } · History
chat-contacts-title = 📜 <b>History</b>: pick a conversation, or type <code>/history @username</code>.
chat-contacts-empty = 📜 No conversations yet. Start one with ✉️ New message.
chat-history-title = 📜 <b>Conversation with { $handle }</b> · page { $page }
chat-history-hint = Newest first · 🕒 { $timezone }
chat-history-empty = 📜 No messages with { $handle } yet. Tap ↩️ Reply to write the first one.
chat-history-usage =
    📜 Show a conversation: <code>/history @username</code>
    For example: <code>/history @anna</code>
chat-history-self = ❌ That's you. /inbox shows the messages you received.
chat-line-out = ➡️ <b>{ $name }</b> · { $time }: { $text }
chat-line-in = ⬅️ <b>{ $name }</b> · { $time }: { $text }
chat-history-blocked = 🚫 You blocked { $handle }: they can't message you, but you can still write to them.
chat-block-button = 🚫 Block
chat-unblock-button = ✅ Unblock
chat-block-yes = 🚫 Yes, block
chat-block-ask = Block { $handle }? They will no longer be able to send you messages. You can unblock them any time.
chat-block-confirm =
    🚫 <b>Block { $handle }?</b>

    They will no longer be able to send you private messages: not here, not from apps or through the API. If they try, they are only told that you don't accept messages from them.
    Your conversation stays in your history, and you can still write to them. The 🏠 Room is everyone's and is not affected.
    You can unblock them any time, here or in ⚙️ Settings → 🚫 Blocked people.
chat-blocked = 🚫 { $handle } is blocked: they can no longer message you.
chat-block-already = 🚫 { $handle } is already blocked.
chat-unblocked = ✅ { $handle } is unblocked: they can message you again.
chat-unblock-not-blocked = { $handle } is not blocked.

## chat delivery
chat-pm-incoming = 💬 { $sender }: { $text }
chat-pm-incoming-media = 💬 { $sender }
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
chat-room-line = 🏠 <b>{ $name }</b> in the room: { $text }
chat-room-line-media = 🏠 <b>{ $name }</b> in the room

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
    Active in the last 7 days: { $active }
    Blocked the bot: { $blocked }
    Banned: { $banned }

    <b>Tasks</b>: to do { $todo }, in progress { $inProgress }, done { $done }
    <b>Messages</b> in the last 24 h: { $messages }
    <b>Mailings</b>: scheduled { $scheduled }, running { $running }, paused { $paused }, completed { $completed }, cancelled { $cancelled }
admin-search-prompt = 🔎 Send a username prefix (e.g. <code>ann</code> or <code>@ann</code>) or a numeric user or Telegram id.
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
admin-card-tags-none = Tags: none
admin-card-role = Role: { $role }
admin-card-status = Status: { $status }
admin-card-created = Created: { $created }
admin-card-seen = Last seen: { $seen }
admin-card-never = never
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
admin-back-to-results = ◀️ Back to results
admin-banned = User banned.
admin-unbanned = User unbanned.
admin-confirm-bn = ⚠️ Ban { $user }? They will get one “you are blocked” answer and nothing more, in Telegram and over the API.
admin-confirm-ub = ⚠️ Unban { $user }? They can use the bot and the API again.
admin-confirm-ma = ⚠️ Make { $user } an admin? They will see the admin panel and can ban people and send mailings.
admin-confirm-ra = ⚠️ Remove { $user } from the admins?
admin-confirm-yes-bn = ⛔ Yes, ban
admin-confirm-yes-ub = ✅ Yes, unban
admin-confirm-yes-ma = ⭐ Yes, make admin
admin-confirm-yes-ra = ➖ Yes, remove admin
admin-made-admin = Now an admin.
admin-removed-admin = No longer an admin.
admin-tag-removed = Tag removed.
admin-tags-added = ✅ Tags saved.
admin-tag-prompt = 🏷 Send one or more tags for { $name } (letters, digits, _ and -, separated by spaces).
admin-tag-invalid = Tags are letters, digits, _ and - (up to 32 characters each, at most 10 per user). Try again or /cancel.
admin-already-done = Already done meanwhile, by someone else: here is the card as it is now.
admin-self = You cannot do that to yourself.
admin-banned-not-promoted = They are banned: unban them first to make them an admin.

## mailings
mailings-list-title = 📨 <b>Mailings</b> (newest first)
mailings-list-empty = 📨 No mailings yet.
mailings-new = ➕ New
mailing-status-scheduled = 🕒 scheduled
mailing-status-running = ▶️ running
mailing-status-paused = ⏸ paused
mailing-status-completed = ✅ completed
mailing-status-cancelled = ✖️ cancelled
# A button label (plain text, not HTML): the code appends " · " and the start of the text, unescaped.
mailing-list-item = #{ $id } { $status } · { $sent }/{ $total }
mailing-not-found = ❌ Mailing not found.
mailing-text-too-long = The text has { $length ->
        [one] { NUMBER($length, useGrouping: "min2") } character
       *[other] { NUMBER($length, useGrouping: "min2") } characters
    }; the limit is { NUMBER($max, useGrouping: "min2") }. Send a shorter one.
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
mailing-audience-use-buttons = 👆 Choose the audience with the buttons above. To type tags or operator codes, tap 🏷 Tags… or 📱 Operator codes… first. /cancel stops.
mailing-audience-tags-prompt = 🏷 Send the tags, separated by spaces or commas, e.g. <code>#vip, beta</code>: recipients need any one of them. They replace the current tags; /skip removes the tag condition.
mailing-audience-operators-prompt = 📱 Send the phone operator codes, separated by spaces or commas, e.g. <code>916 903</code>: recipients need any one of them. They replace the current codes; /skip removes the operator condition.
mailing-audience-values-empty = I found no values there. Send them again, or /skip.
mailing-audience-tags-invalid = A tag is at most 32 characters long. Send the tags again, or /skip.
mailing-audience-operators-invalid = An operator code is digits only (up to 8), e.g. <code>916</code>. Send the codes again, or /skip.
mailing-audience-too-many = At most { $max ->
        [one] { $max } value
       *[other] { $max } values
    }. Send fewer, or /skip.
mailing-audience-values-invalid = That does not look right ({ $error }). Try again.
mailing-audience-operators-label = operator codes
mailing-audience-all = everyone
mailing-start-prompt = 🕒 When to start? Tap Now or send a date and time in your time zone ({ $timezone }), e.g. <code>{ $example }</code>.
mailing-start-now = ▶️ Now
mailing-when-invalid = I could not read “{ $input }” as a date and time. Example: <code>{ $example }</code>.
mailing-when-past = { $when } has already passed. Send a time in the future.
mailing-end-prompt = 🏁 When should sending stop? A date and time in { $timezone }, after the start.
mailing-end-before-start = The end must be after the start ({ $start }). Send a later time.
mailing-window-prompt = 🕘 A local sending window in each recipient's time zone, e.g. <code>09:00-21:00</code>, or /skip to send at any hour.
mailing-window-invalid = A window looks like <code>09:00-21:00</code> (start and end differ). Try again or /skip.
mailing-summary =
    📨 <b>New mailing</b>
    Audience: { $audience } ({ $count ->
        [one] { $count } recipient
       *[other] { $count } recipients
    } now)
    Start: { $start }
    End: { $end }
    Window: { $window }
    Buttons: { $buttons }
    Create it?
mailing-window-none = any time
mailing-summary-start-now = right after you create it
mailing-create = ✅ Create
mailing-summary-use-buttons = 👆 Tap ✅ Create above to create the mailing, or ✖️ Cancel (/cancel) to drop it.
mailing-created = ✅ Mailing #{ $id } created.
mailing-create-end-passed = The end of the mailing ({ $end }) passed while you were creating it, so it was not created. Start again with a later end.
mailing-card =
    📨 <b>Mailing #{ $id }</b> · { $status }
    Start: { $start } · End: { $end } (your time)
    Audience: { $audience } · window: { $window }
# The content line (mailing-content-line) comes between these two, joined by the code: a translated
# text passed as an argument would be escaped a second time.
mailing-card-progress =
    { $bar } { $percent }%
    ⏳ pending { $pending } · ⚙️ processing { $processing } · ✅ sent { $sent }
    ❌ error { $error } · ⌛ expired { $expired } · ❔ unknown { $unknown }
    🔕 unsubscribed { $unsubscribes }
    Rate: { NUMBER($rate, minimumFractionDigits: 1, maximumFractionDigits: 1) } msg/s · ETA: { $eta }
mailing-eta-unknown = —
mailing-refresh = 🔄 Refresh
mailing-cancel = ✖️ Cancel mailing
mailing-cancel-confirm = Cancel mailing #{ $id }? Nothing more will be sent.
mailing-cancel-yes = ✖️ Yes, cancel it
mailing-cancel-no = ◀️ No, keep it
mailing-cancelled = Mailing cancelled.
mailing-already-finished = The mailing has already finished.
mailing-to-list = ◀️ Back to list
mailing-daily-summary = 📊 <b>Mailings yesterday</b> ({ $date })
mailing-daily-summary-line = #{ $id } · { $status } · ✅ { $sent } · ❌ { $error } · ⌛ { $expired } · ❔ { $unknown }
mailing-content-prompt = ✍️ Send the message exactly as recipients should see it: a text with formatting (bold, links, …), or a photo, video, GIF or document with a caption. You can also forward one. Up to 4096 characters, 1024 for a caption. /cancel to stop.
mailing-content-unsupported = This kind of message cannot be mailed. Send a text, or a photo, video, GIF or document with a caption.
mailing-content-empty = The message is empty. Send a text, or media with a caption.
mailing-caption-too-long = The caption has { $length ->
        [one] { NUMBER($length, useGrouping: "min2") } character
       *[other] { NUMBER($length, useGrouping: "min2") } characters
    }; the limit is { NUMBER($max, useGrouping: "min2") }. Send a shorter one.
mailing-invalid = That does not look right: { $error }
mailing-buttons-prompt =
    🔗 Add link buttons? One row per line, <code>Label https://…</code> per button, up to { $perRow } in a row separated by <code>|</code>, up to { $rows } rows. For example:
    <code>Shop https://example.com/shop | Help https://example.com/help</code>
# The line after mailing-buttons-prompt: creating (skip) or editing a scheduled mailing (edit).
mailing-buttons-skip-hint = Or tap Skip (/skip).
mailing-buttons-edit-hint = They replace the current buttons. 🚫 No buttons (or /skip) removes them all; ◀️ Back keeps them as they are.
mailing-buttons-skip = ⏭ Skip
mailing-buttons-too-many = At most { $rows } { $rows ->
        [one] row
       *[other] rows
    } of { $perRow } { $perRow ->
        [one] button
       *[other] buttons
    }. Send fewer, or /skip.
mailing-buttons-row-too-long = Row { $row } has more than { $perRow } { $perRow ->
        [one] button
       *[other] buttons
    }. Send them again, or /skip.
mailing-buttons-no-label = Button { $column } in row { $row } needs a label before its link, e.g. <code>Shop https://example.com</code>.
mailing-buttons-label-too-long = The label of button { $column } in row { $row } is longer than { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }.
mailing-buttons-url-invalid = The link of button { $column } in row { $row } is not a valid address; it should look like <code>https://example.com</code>.
mailing-buttons-url-scheme = The link of button { $column } in row { $row } must start with http:// or https://.
mailing-buttons-url-too-long = The link of button { $column } in row { $row } is longer than { $max ->
        [one] { $max } character
       *[other] { $max } characters
    }.
mailing-test-failed = ⚠️ Telegram refused the mailing: { $error }
mailing-preview-failed = ⚠️ Telegram refused the mailing: { $error }
    Send the message and its buttons again; the audience and the times stay as you chose them.
mailing-test = 🧪 Test
mailing-test-sent = Sent to you as recipients will get it.
mailing-pause = ⏸ Pause
mailing-resume = ▶️ Resume
mailing-paused = Paused: nothing more will be sent until you resume it.
mailing-resumed = Resumed where it left off.
mailing-state-changed = The mailing has changed meanwhile; here it is now.
mailing-delete = 🗑 Delete
mailing-delete-confirm = Delete mailing #{ $id }? It has not started; nothing will be sent.
mailing-delete-yes = 🗑 Yes, delete it
mailing-deleted = Mailing #{ $id } deleted.
mailing-recall = ↩️ Recall
mailing-recall-confirm = ↩️ Recall mailing #{ $id }? { $sent ->
        [one] Its { $sent } sent message will be
       *[other] Its { $sent } sent messages will be
    } deleted from the recipients' chats, at the mailing rate. Telegram allows this for 48 hours after sending; older messages stay.
mailing-recall-stops = Sending will stop first: the mailing will be cancelled.
mailing-recall-yes = ↩️ Yes, delete them
mailing-recall-started = Recall started: the messages are being deleted.
mailing-recall-too-late = Too late: Telegram lets a bot delete its messages only for 48 hours.
mailing-recall-nothing = Nothing has been sent yet, so there is nothing to recall.
mailing-card-recalling = ↩️ Recalling: deleted { $recalled } · failed { $failed } · left { $left }
mailing-card-recalled = ↩️ Recalled: deleted { $recalled } · could not delete { $failed }
mailing-card-clicks = 👆 clicks { $clicks } ({ $buttons })
mailing-buttons-clicks-counted = 👆 Clicks are counted: each button opens a short link via { $url } that counts the tap (once per recipient and button) and redirects to your address.
mailing-buttons-clicks-off = 👆 Clicks are not counted: { $url } cannot be reached from the internet (set PUBLIC_URL to a public address), so the buttons open your addresses directly.
mailing-media-photo = 🖼 Photo
mailing-media-video = 🎬 Video
mailing-media-animation = 🎞 GIF
mailing-media-document = 📄 Document
mailing-content-line = “{ $text }”{ $buttons ->
        [0] {""}
       *[other] {" "}· 🔗 { $buttons }
    }
mailing-eta-days = { $d } d { $h } h
mailing-eta-hours = { $h } h { $m } min
mailing-eta-minutes = { $m } min { $s } s
mailing-eta-seconds = { $s } s
mailing-unsubscribe = 🔕 Unsubscribe
mailing-unsubscribed = ✓ Unsubscribed
mailing-unsubscribe-undo = ↩️ Undo
mailing-unsubscribed-toast = You will not get mailings any more. Reminders and messages keep coming. Tap Undo or use Settings to turn mailings back on.
mailing-resubscribed-toast = Mailings are on again.
mailing-unsubscribe-preview = In a real mailing this button unsubscribes the recipient.
mailings-setting = 📨 Mailings: { $state }

## mailings: failed recipients, edit of a scheduled mailing
mailing-failures = ⚠️ Not delivered: { $count }
mailing-failures-title = ⚠️ <b>Mailing #{ $id }: not delivered to { $count ->
        [one] { $count } recipient
       *[other] { $count } recipients
    }</b>
mailing-failures-none = Nobody so far.
mailing-failures-item = { $n }. { $who }
mailing-failures-back = ◀️ Back to mailing
mailing-failed-error = ❌ error
mailing-failed-expired = ⌛ expired
mailing-failed-unknown = ❔ unknown
mailing-failure-blocked = blocked the bot
mailing-failure-deactivated = the Telegram account was deleted
mailing-failure-chat-not-found = Telegram does not know this chat (the account is gone, or never started the bot)
mailing-failure-expired = the end time came before their turn
mailing-failure-cancelled = the mailing was cancelled before their turn
mailing-failure-unknown = after a crash it is unknown whether it arrived; it will not be sent again
mailing-failure-other = Telegram said: { $error }
mailing-edit = ✏️ Edit
mailing-edit-prompt = ✏️ <b>What to change?</b> The mailing has not started yet, so every recipient gets the new version.
mailing-edit-use-buttons = 👆 Choose what to change with the buttons above, or tap ✖️ Cancel (/cancel) to leave the mailing as it is.
mailing-edit-content = ✍️ Message
mailing-edit-buttons = 🔗 Buttons
mailing-edit-audience = 👥 Audience
mailing-edit-start = 🕒 Start
mailing-edit-end = 🏁 End
mailing-edit-window = 🕘 Window
mailing-edit-saved = ✅ Mailing #{ $id } changed.
mailing-edit-started = ⚠️ The mailing has already started, so it can no longer be edited; nothing was changed. You can still pause or cancel it.
mailing-edit-times-invalid = The start must be before the end. Change the end first, then the start.
mailing-edit-end-past = The end must be in the future. Change the end first.
mailing-start-after-end = The start must be before the end ({ $end }). Send an earlier time, or change the end first.
mailing-buttons-none = 🚫 No buttons
mailing-window-clear = 🚫 No window (any hour)
mailings-setting-off-toast = 📨 Mailings are off. Reminders and private messages keep coming.
mailings-setting-on-toast = 📨 Mailings are on again.
