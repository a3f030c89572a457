## common
apology = 😔 Извините, у нас что-то пошло не так. Попробуйте ещё раз; /menu всегда начинает сначала.
unknown-command = Я не знаю команду { $command }. /help покажет, что я умею.
unknown-text = Не понял, что вы имеете в виду. Откройте /menu или загляните в /help.
stale-button = Эта кнопка больше не работает. Вот актуальное меню.
menu-outdated = Меню изменилось; вот актуальное.
blocked = ⛔ Администратор заблокировал вам доступ к Gramdesk.
cancelled = Отменено.
cancel = ✖️ Отмена
nothing-to-cancel = Отменять нечего. /menu откроет главное меню.
back = ◀️ Назад
on = вкл.
off = выкл.
not-set = не указан

## commands
cmd-start = Запустить Gramdesk и открыть главное меню
cmd-menu = Главное меню
cmd-tasks = Ваши задачи
cmd-newtask = Новая задача
cmd-pm = Личное сообщение: /pm имя текст
cmd-inbox = Последние полученные сообщения
cmd-history = Переписка с человеком: /history имя
cmd-room = Войти в общую комнату
cmd-leave = Выйти из общей комнаты
cmd-settings = Настройки
cmd-help = Что я умею
cmd-cancel = Отменить текущее действие

## start
welcome-new =
    👋 Добро пожаловать в <b>Gramdesk</b>, { $name }!
    Ваше рабочее пространство в Telegram. Нажмите кнопку ниже, чтобы начать.
welcome-back = 👋 С возвращением, { $name }!

## menu
main-menu =
    🏠 <b>Gramdesk</b>
    Что будем делать?
menu-tasks = 📋 Задачи
menu-settings = ⚙️ Настройки
menu-help = ❓ Помощь

## help
help =
    <b>Gramdesk</b>: ваше рабочее пространство в Telegram.

    /menu: главное меню
    /tasks: ваши задачи (они есть и в меню)
    /newtask: новая задача
    /pm имя текст: личное сообщение
    /inbox: последние полученные сообщения
    /history имя: переписка с человеком
    /room: общая комната; /leave, чтобы выйти
    /settings: язык, часовой пояс, уведомления, телефон и имя
    /cancel: выйти из текущего диалога
    /help: это сообщение

    Остальное делается кнопками под сообщениями. Если кнопка не отвечает, отправьте /menu.

## settings
settings-title = ⚙️ <b>Настройки</b>
settings-summary =
    { settings-title }

    🌐 Язык: { $language }
    🕒 Часовой пояс: { $timezone } (сейчас { $time })
    🔔 Уведомления: { $notifications }
    📱 Телефон: { $phone }
    👤 Отображаемое имя: { $name }
    🔗 HTTP-аккаунт: { $account }
settings-phone-value = { $phone } (код оператора { $code })
settings-language = 🌐 Язык
settings-timezone = 🕒 Часовой пояс
settings-notifications = 🔔 Уведомления: { $state }
settings-phone = 📱 Поделиться телефоном
settings-name = 👤 Отображаемое имя
settings-choose-language = 🌐 Выберите язык:
settings-language-changed = ✅ Язык: русский
settings-choose-timezone =
    🕒 Выберите часовой пояс или нажмите «Другой…» и введите его.
    Сейчас: <b>{ $timezone }</b> (время { $time })
settings-timezone-other = ✏️ Другой…
settings-timezone-prompt =
    🕒 Отправьте часовой пояс в формате IANA, например <code>Europe/Moscow</code> или <code>Asia/Yekaterinburg</code>, или смещение от UTC, например <code>+3</code>.
    /cancel оставит текущий.
settings-timezone-invalid =
    ❌ «{ $input }» не похоже на часовой пояс.
    Попробуйте, например, <code>Europe/Samara</code>, <code>Asia/Novosibirsk</code> или <code>+5</code>. /cancel оставит текущий.
settings-timezone-saved = ✅ Часовой пояс: <b>{ $timezone }</b> (сейчас { $time })
settings-notifications-changed = 🔔 Уведомления { $state }
settings-phone-prompt =
    📱 Нажмите кнопку ниже, чтобы поделиться номером телефона с Gramdesk.
    Он нужен для рассылок (код оператора); другие пользователи его не видят.
settings-phone-button = 📱 Отправить мой номер
settings-phone-cancel = ✖️ Отмена
settings-phone-saved = ✅ Телефон сохранён: { $phone }
settings-phone-saved-code = ✅ Телефон сохранён: { $phone } (код оператора { $code })
settings-phone-not-own = ❌ Пожалуйста, отправьте свой контакт кнопкой ниже, а не чужой.
settings-phone-invalid = ❌ Telegram прислал номер, который я не могу разобрать. Попробуйте ещё раз.
settings-phone-cancelled = Отправка телефона отменена.
settings-name-prompt =
    👤 Отправьте имя, которое будут видеть другие пользователи Gramdesk (до { $max } символов).
    Сейчас: <b>{ $name }</b>
    /reset вернёт имя из Telegram, /cancel оставит текущее.
settings-name-too-long = ❌ Здесь { $length } символов, а можно не больше { $max }. Отправьте имя покороче.
settings-name-empty = ❌ Имя не может быть пустым. Отправьте имя или /cancel.
settings-name-invalid = ❌ В имени есть невидимые управляющие символы. Отправьте обычный текст.
settings-name-not-text = Отправьте имя текстовым сообщением или /cancel.
settings-name-saved = ✅ Отображаемое имя: <b>{ $name }</b>
settings-name-reset = ✅ Будет показано имя из Telegram: <b>{ $name }</b>
settings-back-to = ⚙️ Настройки
settings-account-none = не привязан
settings-unlink = 🔓 Отвязать @{ $username }
settings-unlink-confirm =
    🔓 Отвязать аккаунт Gramdesk <b>@{ $username }</b> от этого Telegram?

    Аккаунт сохранит свои данные и будет доступен через HTTP; сообщения для него больше не будут приходить сюда. Привязать снова можно новым токеном.
settings-unlink-yes = 🔓 Да, отвязать
settings-unlinked = Аккаунт @{ $username } отвязан

## accounts
registration-confirm-request =
    🔐 Кто-то хочет создать аккаунт Gramdesk <b>@{ $username }</b>, привязанный к вашему Telegram.

    Если подтвердить, любой, кто знает пароль этого аккаунта, сможет войти в Gramdesk от вашего имени: видеть и менять ваши задачи, читать ваши сообщения и писать за вас{ $admin ->
        [yes] , в том числе с вашими правами администратора
       *[other] {""}
    }.

    Если это вы, подтвердите в течение 15 минут. Если нет, отклоните: ничего не будет создано, и ближайший час вас больше не спросят.
registration-confirm = ✅ Подтвердить
registration-decline = ❌ Отклонить
registration-confirmed = ✅ Подтверждено: аккаунт <b>@{ $username }</b> активен. Войти можно с его паролем.
registration-declined = ❌ Отклонено: аккаунт <b>@{ $username }</b> не создан.
registration-expired = ⌛ Запрос на аккаунт <b>@{ $username }</b> истёк без ответа; ничего не создано.
registration-not-found = Такого запроса нет, или он не ваш.
link-confirm-request =
    🔗 Привязать этот Telegram к аккаунту Gramdesk <b>@{ $username }</b> (создан { $created })?

    Если подтвердить, аккаунт получит этот чат:
    • ваши задачи, комментарии и сообщения перейдут в него, и любой, кто знает его пароль, сможет их читать и менять;
    • личные сообщения и сообщения комнаты для вас будут приходить и в приложения этого аккаунта;
    • ваши настройки{ $admin ->
        [yes] {" "}и права администратора
       *[other] {""}
    } перейдут к аккаунту.

    Подтверждайте, только если <b>@{ $username }</b> — ваш собственный аккаунт. Токен действует до { $expires }.
link-confirm = ✅ Привязать мой Telegram
link-decline = ❌ Отклонить
link-declined = ❌ Отклонено. Ничего не привязано, и этот токен больше не действует.
link-attached = Токен '{ $token }' успешно привязан
link-attached-account = Ваш Telegram привязан к аккаунту Gramdesk <b>@{ $username }</b>.
link-invalid-format = Неверный формат токена
link-no-such-token = Такого токена нет
link-request-gone = Этот запрос больше не действует.
link-in-use = Токен уже используется
link-already-attached = Вы уже привязали токен '{ $token }'
link-already-linked = Ваш Telegram уже привязан к аккаунту Gramdesk <b>@{ $username }</b>.

## messages
echo =
    { $firstName }, я получил от тебя сообщение:
    { $text }

## tasks
task-reminder =
    🔔 Напоминание: <b>{ $title }</b>
    Срок: { $due }
task-reminder-open = 📂 Открыть
tasks-title = 📋 <b>Задачи</b> · { $filter }
tasks-counts = ⏳ { $todo } · 🟡 { $inProgress } · ✅ { $done }
tasks-page = Страница { $page }/{ $pages }
tasks-empty-open = Открытых задач нет. Нажмите «➕ Новая задача», чтобы добавить.
tasks-empty-done = Выполненных задач пока нет.
tasks-empty-all = У вас пока нет задач. Нажмите «➕ Новая задача», чтобы добавить.
tasks-capped = Показаны { $max } самых новых задач; более старые доступны через API.
tasks-filter-open = Открытые
tasks-filter-done = Готовые
tasks-filter-all = Все
tasks-filter-selected = • { $label } •
tasks-new = ➕ Новая задача
tasks-not-found = ❌ Задача не найдена: её удалили, или она не ваша.
task-status-todo = ⏳ К выполнению
task-status-in-progress = 🟡 В работе
task-status-done = ✅ Готово
task-card-title = 📌 <b>{ $title }</b>
task-card-no-description = <i>Без описания</i>
task-card-status = Статус: { $status }
task-card-due = 📅 Срок: { $due } ({ $timezone })
task-card-overdue = ⚠️ просрочено
task-card-due-none = 📅 Срок: не указан
task-card-tags = 🏷 Теги: { $tags }
task-card-tags-none = 🏷 Теги: нет
task-card-comments = 💬 Комментарии: { $count }
task-card-created = 🕒 Создана: { $created }
task-card-updated = ✏️ Изменена: { $updated }
task-next-status = ➡️ { $status }
task-edit-title = ✏️ Название
task-edit-description = 📝 Описание
task-edit-due = 📅 Срок
task-edit-tags = 🏷 Теги
task-comments = 💬 Комментарии ({ $count })
task-full-description = 📄 Описание целиком
task-delete = 🗑 Удалить
task-back-to-list = ◀️ К списку
task-status-changed = Статус: { $status }
task-changed = 🔄 Задача изменилась; вот она сейчас.
task-delete-confirm =
    🗑 Удалить задачу <b>{ $title }</b> вместе с комментариями?
    Это нельзя отменить.
task-delete-yes = 🗑 Да, удалить
task-delete-no = ◀️ Нет, оставить
task-deleted = 🗑 Задача удалена
task-created = ✅ Задача создана
task-saved-title = ✅ Название изменено
task-saved-description = ✅ Описание изменено
task-cleared-description = ✅ Описание удалено
task-saved-due = ✅ Срок установлен
task-cleared-due = ✅ Срок убран
task-saved-tags = ✅ Теги изменены
task-cleared-tags = ✅ Теги убраны
task-new-title-prompt =
    ➕ <b>Новая задача</b>
    Отправьте название (до { $max } символов), например <code>Купить молоко</code>.
    /cancel прерывает.
task-new-description-prompt = 📝 Отправьте описание (до { $max } символов) или /skip.
task-new-due-prompt =
    📅 Какой срок? Ваш часовой пояс: { $timezone }.
    Например <code>{ $iso }</code>, <code>{ $dotted }</code>, <code>завтра 9:00</code> или <code>сегодня 18:00</code>.
    /skip: без срока.
task-title-prompt =
    ✏️ Отправьте новое название (до { $max } символов).
    Сейчас: <b>{ $title }</b>
    /cancel оставит как есть.
task-title-required = ❌ У задачи должно быть название. Отправьте его, например <code>Купить молоко</code>, или /cancel.
task-title-too-long = ❌ Здесь { $length } символов, а можно не больше { $max }. Отправьте название короче, например <code>Купить молоко</code>.
task-title-empty = ❌ Название не может быть пустым. Отправьте его, например <code>Купить молоко</code>.
task-title-invalid = ❌ В названии есть невидимые управляющие символы. Отправьте обычный текст, например <code>Купить молоко</code>.
task-description-prompt =
    📝 Отправьте новое описание (до { $max } символов).
    /clear удалит его, /cancel оставит как есть.
task-description-too-long = ❌ Здесь { $length } символов, а можно не больше { $max }. Отправьте описание короче.
task-description-invalid = ❌ В описании есть невидимые управляющие символы. Отправьте обычный текст.
task-due-prompt =
    📅 Отправьте новый срок в вашем часовом поясе ({ $timezone }), например <code>{ $iso }</code>, <code>{ $dotted }</code>, <code>завтра 9:00</code> или <code>сегодня 18:00</code>.
    Сейчас: { $due }
    /clear (или /skip) уберёт срок, /cancel оставит как есть.
task-due-invalid = ❌ «{ $input }» не похоже на дату. Попробуйте <code>{ $iso }</code>, <code>{ $dotted }</code>, <code>завтра 9:00</code> или <code>сегодня 18:00</code>.
task-due-past = ❌ { $due } уже в прошлом. Отправьте более позднее время, например <code>завтра 9:00</code>.
task-tags-prompt =
    🏷 Отправьте теги через запятую или пробел (не больше { $max }), например <code>работа, срочно</code>.
    Сейчас: { $tags }
    /clear уберёт их, /cancel оставит как есть.
task-tags-invalid = ❌ Тег — одно слово из букв, цифр, _ или - (до 32 символов). Например: <code>работа, срочно</code>.
task-tags-too-many = ❌ Не больше { $max } тегов. Например: <code>работа, срочно</code>.
comments-title = 💬 <b>Комментарии</b> · { $title }
comments-page = Страница { $page }/{ $pages }
comments-empty = Комментариев пока нет. Нажмите «➕ Комментарий».
comments-item = <b>{ $n }.</b> { $author } · { $time }
comments-edited = <i>(изменён)</i>
comments-edit = ✏️ { $n }
comments-delete = 🗑 { $n }
comments-add = ➕ Комментарий
comments-back = ◀️ К задаче
comment-not-found = ❌ Комментарий не найден: его удалили, или он не ваш.
comment-prompt =
    💬 Отправьте комментарий к задаче <b>{ $title }</b> (до { $max } символов).
    /cancel прерывает.
comment-edit-prompt = ✏️ Отправьте новый текст комментария (до { $max } символов); /cancel оставит как есть. Сейчас:
comment-too-long = ❌ Здесь { $length } символов, а можно не больше { $max }. Отправьте комментарий короче.
comment-empty = ❌ Комментарий не может быть пустым. Отправьте текст или /cancel.
comment-invalid = ❌ В комментарии есть невидимые управляющие символы. Отправьте обычный текст.
comment-added = ✅ Комментарий добавлен
comment-edited = ✅ Комментарий изменён
comment-delete-confirm = 🗑 Удалить этот комментарий?
comment-delete-yes = 🗑 Да, удалить
comment-delete-no = ◀️ Нет, оставить
comment-deleted = 🗑 Комментарий удалён

## chat
menu-chat = 💬 Чат
chat-screen =
    💬 <b>Чат</b>

    ✉️ <code>/pm имя текст</code>: личное сообщение (имя пользователя в Gramdesk или в Telegram, можно с @)
    📜 <code>/history имя</code>: ваша переписка с человеком, сначала новые
    📥 /inbox: последние 20 полученных сообщений
    🏠 /room: общая комната; /leave, чтобы выйти

    Под полученными сообщениями есть кнопка ↩️ Ответить.
chat-room-button = 🏠 Комната
chat-inbox-button = 📥 Входящие
chat-pm-usage =
    ✍️ Напишите имя пользователя, а затем сообщение:
    <code>/pm имя текст</code>
    Например: <code>/pm { $handle } Привет! Встречаемся в шесть?</code>
chat-pm-sent = ✅ Отправлено { $handle }
chat-pm-stored = 📥 Сохранено для { $handle }. Сейчас его не уведомить: он увидит сообщение, когда вернётся.
chat-pm-blocked = 🚫 { $handle } заблокировал бота, сообщение до него не дойдёт. Ничего не отправлено.
chat-pm-self = ❌ Нельзя отправить сообщение самому себе.
chat-pm-rate-limited = ⏳ Не так быстро: не больше { $limit } личных сообщений в минуту. Попробуйте снова через { $seconds } с.
chat-user-not-found = ❌ Пользователя { $handle } нет. Проверьте имя: это имя в Gramdesk или в Telegram.
chat-user-gone = ❌ Этот пользователь больше недоступен.
chat-text-too-long = ❌ Здесь { $length } символов, а можно не больше { $max }. Отправьте сообщение короче.
chat-text-empty = ❌ Сообщение пустое. Отправьте текст.
chat-reply-prompt = ✍️ Ответ для { $handle }: отправьте сообщение или /cancel.
chat-reply-not-text = ✍️ Отправьте ответ текстом или /cancel.
chat-room-joined =
    🏠 <b>Комната</b>: вы вошли.
    Всё, что вы пишете, теперь получат все в комнате. /leave, чтобы выйти.
chat-room-already =
    🏠 <b>Комната</b>: вы уже здесь.
    Всё, что вы пишете, получат все в комнате. /leave, чтобы выйти.
chat-room-recent = Последние сообщения:
chat-room-empty = Сообщений пока нет. Поздоровайтесь!
chat-room-leave = 🚪 Выйти из комнаты
chat-room-left = 👋 Вы вышли из комнаты.
chat-room-not-in = Вы не в комнате. /room, чтобы войти.
chat-room-gone = 🚪 Вы больше не в комнате (вышли из неё в другом месте), поэтому это не отправлено. /room, чтобы войти снова.
chat-room-text-only = ❌ В комнату можно писать только текстом.
chat-room-rate-limited = ⏳ Не так быстро: не больше { $limit } сообщений в комнату в минуту. Попробуйте снова через { $seconds } с.
chat-inbox-title =
    📥 <b>Входящие</b>: последние полученные сообщения, сначала новые
    🕒 Время: { $timezone }
chat-inbox-empty = 📭 Входящих пока нет. Здесь появятся сообщения, которые вам пришлют через /pm.
chat-inbox-reply = ↩️ Ответить { $handle }
chat-history-title = 📜 <b>Переписка с { $handle }</b> · страница { $page }
chat-history-hint = Сначала новые · 🕒 { $timezone }
chat-history-empty = 📜 С { $handle } сообщений пока нет. Начните с <code>/pm { $handle } Привет!</code>
chat-history-usage =
    📜 С кем переписка? <code>/history имя</code>
    Например: <code>/history @anna</code>
chat-history-self = ❌ Это вы. /inbox покажет полученные вами сообщения.
chat-line-out = ➡️ <b>{ $name }</b> · { $time }: { $text }
chat-line-in = ⬅️ <b>{ $name }</b> · { $time }: { $text }

## chat delivery
chat-pm-incoming = 💬 { $sender }: { $text }
chat-pm-reply = ↩️ Ответить
chat-pm-notice = 📨 { $count ->
        [one] { $count } новое сообщение
        [few] { $count } новых сообщения
       *[many] { $count } новых сообщений
    } от { $sender } — /inbox
# Последний элемент списка отправителей в уведомлении, когда писавших больше, чем названо (после «от»).
chat-pm-notice-others = ещё { $count } { $count ->
        [one] собеседника
       *[other] собеседников
    }
chat-room-line = <b>{ $name }</b>: { $text }

## admin
cmd-admin = Панель администратора
cmd-newmailing = Создать рассылку
menu-admin = 🛠 Админка
admin-not-allowed = ⛔ Нет доступа
admin-home =
    🛠 <b>Панель администратора</b>
    Выберите раздел.
admin-stats-button = 📊 Статистика
admin-users-button = 👥 Пользователи
admin-mailings-button = 📨 Рассылки
admin-refresh = 🔄 Обновить
admin-to-home = 🛠 Панель администратора
admin-stats =
    📊 <b>Статистика</b>

    <b>Пользователей</b>: { $total }
    Активны за 7 дней: { $active }
    Заблокировали бота: { $blocked }
    Забанены: { $banned }

    <b>Задачи</b>: к выполнению { $todo }, в работе { $inProgress }, готово { $done }
    <b>Сообщений</b> за 24 ч: { $messages }
    <b>Рассылки</b>: запланировано { $scheduled }, идёт { $running }, завершено { $completed }, отменено { $cancelled }
admin-search-prompt = 🔎 Отправьте начало имени пользователя (например, <code>ann</code> или <code>@ann</code>) или числовой id пользователя либо Telegram. /cancel — отмена.
admin-search-invalid = Это не начало имени пользователя (буквы, цифры, _) и не числовой id. Попробуйте ещё раз или /cancel.
admin-search-results = 🔎 Найдено по <b>{ $query }</b>: { $count }
admin-search-empty = 🔎 По <b>{ $query }</b> никого не найдено.
admin-search-again = 🔎 Новый поиск
admin-user-not-found = ❌ Пользователь не найден.
admin-card-title = 👤 <b>{ $name }</b> (id { $id })
admin-card-telegram = Telegram: { $telegram }
admin-card-account = Аккаунт: { $account }
admin-card-language = Язык: { $language }, часовой пояс: { $timezone }
admin-card-phone = Телефон: { $phone } (оператор { $operator })
admin-card-tags = Теги: { $tags }
admin-card-role = Роль: { $role }
admin-card-status = Статус: { $status }
admin-card-created = Создан: { $created }
admin-card-seen = Был в сети: { $seen }
admin-role-user = пользователь
admin-role-admin = администратор
admin-status-active = активен
admin-status-banned = ⛔ забанен
admin-status-bot-blocked = (заблокировал бота)
admin-ban = ⛔ Забанить
admin-unban = ✅ Разбанить
admin-make-admin = ⭐ Сделать админом
admin-remove-admin = ➖ Снять админа
admin-add-tag = 🏷 Добавить тег
admin-remove-tag = ❌ #{ $tag }
admin-back-to-results = ◀️ К результатам
admin-banned = Пользователь забанен.
admin-unbanned = Пользователь разбанен.
admin-made-admin = Теперь администратор.
admin-removed-admin = Больше не администратор.
admin-tag-removed = Тег удалён.
admin-tags-added = ✅ Теги сохранены.
admin-tag-prompt = 🏷 Отправьте один или несколько тегов для { $name } (буквы, цифры, _ и -, через пробел). /cancel — отмена.
admin-tag-invalid = Теги — это буквы, цифры, _ и - (до 32 символов, не больше 10 у пользователя). Попробуйте ещё раз или /cancel.
admin-self = С собой так нельзя.

## mailings
mailings-list-title = 📨 <b>Рассылки</b> (сначала новые)
mailings-list-empty = 📨 Рассылок пока нет.
mailings-new = ➕ Новая
mailing-status-scheduled = 🕒 запланирована
mailing-status-running = ▶️ идёт
mailing-status-completed = ✅ завершена
mailing-status-cancelled = ✖️ отменена
mailing-list-item = #{ $id } { $status } · { $sent }/{ $total }
mailing-not-found = ❌ Рассылка не найдена.
mailing-text-prompt = ✍️ Отправьте текст рассылки (можно HTML: &lt;b&gt;, &lt;i&gt;, &lt;a href="…"&gt;…; до { $max } символов). /cancel — отмена.
mailing-text-too-long = В тексте { $length } символов, а можно не больше { $max }. Отправьте текст короче.
mailing-text-html = HTML некорректен: { $error }. Исправьте и отправьте текст снова.
mailing-preview = 👆 Именно это получат адресаты.
mailing-audience-prompt =
    👥 <b>Кому отправить?</b>
    Аудитория: { $audience }
    Адресатов сейчас: <b>{ $count }</b>
mailing-audience-hint = Условия можно сочетать: адресат должен подходить под каждое выбранное (внутри условия — под любое из значений). Число на кнопке — сколько адресатов будет, если её нажать.
mailing-audience-everyone = 👥 Всем · { $count }
mailing-audience-tags = 🏷 Теги…
mailing-audience-operators = 📱 Коды операторов…
mailing-audience-language = { $label } · { $count }
mailing-audience-continue = ➡️ Далее · { $count } { $count ->
        [one] адресат
        [few] адресата
       *[many] адресатов
    }
mailing-audience-continue-none = 🚫 Нет адресатов
mailing-audience-nobody = Сейчас под эти условия никто не подходит. Уберите одно из них или выберите «Всем».
mailing-audience-tags-prompt = 🏷 Отправьте теги через пробел или запятую, например <code>#vip, beta</code>: подойдут адресаты хотя бы с одним из них. Они заменят текущие теги; /skip — убрать условие по тегам.
mailing-audience-operators-prompt = 📱 Отправьте коды операторов через пробел или запятую, например <code>916 903</code>: подойдут адресаты хотя бы с одним из них. Они заменят текущие коды; /skip — убрать условие по операторам.
mailing-audience-values-empty = Не нашёл здесь ни одного значения. Отправьте их ещё раз или /skip.
mailing-audience-tags-invalid = Тег — не длиннее 32 символов. Отправьте теги ещё раз или /skip.
mailing-audience-operators-invalid = Код оператора — только цифры (до 8), например <code>916</code>. Отправьте коды ещё раз или /skip.
mailing-audience-too-many = Не больше { $max } значений. Отправьте меньше или /skip.
mailing-audience-values-invalid = Что-то не так ({ $error }). Попробуйте ещё раз.
mailing-audience-operators-label = коды операторов
mailing-audience-all = все
mailing-start-prompt = 🕒 Когда начать? Нажмите «Сейчас» или отправьте дату и время в вашем часовом поясе ({ $timezone }), например <code>{ $example }</code>.
mailing-start-now = ▶️ Сейчас
mailing-when-invalid = Не получилось понять «{ $input }» как дату и время. Пример: <code>{ $example }</code>.
mailing-when-past = { $when } уже прошло. Отправьте время в будущем.
mailing-end-prompt = 🏁 До какого момента можно отправлять? Дата и время ({ $timezone }), позже начала.
mailing-end-before-start = Конец должен быть позже начала ({ $start }). Отправьте более позднее время.
mailing-window-prompt = 🕘 Окно отправки по местному времени адресата, например <code>09:00-21:00</code>, или /skip — в любое время.
mailing-window-invalid = Окно выглядит так: <code>09:00-21:00</code> (начало и конец разные). Попробуйте ещё раз или /skip.
mailing-summary =
    📨 <b>Новая рассылка</b>
    Аудитория: { $audience } ({ $count } адресатов сейчас)
    Начало: { $start }
    Конец: { $end }
    Окно: { $window }
    Создать?
mailing-window-none = в любое время
mailing-create = ✅ Создать
mailing-created = ✅ Рассылка #{ $id } создана.
mailing-card =
    📨 <b>Рассылка #{ $id }</b> · { $status }
    Начало: { $start } · Конец: { $end } (ваше время)
    Аудитория: { $audience } · окно: { $window }
    { $bar } { $percent }%
    ⏳ ожидают { $pending } · ⚙️ в работе { $processing } · ✅ отправлено { $sent }
    ❌ ошибки { $error } · ⌛ истекли { $expired } · ❔ неизвестно { $unknown }
    Скорость: { $rate } сообщ./с · Осталось: { $eta }
mailing-eta-unknown = —
mailing-refresh = 🔄 Обновить
mailing-cancel = ✖️ Отменить рассылку
mailing-cancel-confirm = Отменить рассылку #{ $id }? Больше ничего не будет отправлено.
mailing-cancel-yes = ✖️ Да, отменить
mailing-cancel-no = ◀️ Нет, оставить
mailing-cancelled = Рассылка отменена.
mailing-already-finished = Рассылка уже завершена.
mailing-to-list = ◀️ К списку
mailing-daily-summary = 📊 <b>Рассылки за вчера</b> ({ $date })
mailing-daily-summary-line = #{ $id } · { $status } · ✅ { $sent } · ❌ { $error } · ⌛ { $expired } · ❔ { $unknown }
