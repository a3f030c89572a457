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

    Если это вы, подтвердите в течение 15 минут. Если нет, отклоните: ничего не будет создано.
registration-confirm = ✅ Подтвердить
registration-decline = ❌ Отклонить
registration-confirmed = ✅ Подтверждено: аккаунт <b>@{ $username }</b> активен. Войти можно с его паролем.
registration-declined = ❌ Отклонено: аккаунт <b>@{ $username }</b> не создан.
registration-expired = ⌛ Запрос на аккаунт <b>@{ $username }</b> истёк без ответа; ничего не создано.
registration-not-found = Такого запроса нет, или он не ваш.
link-attached = Токен '{ $token }' успешно привязан
link-attached-account = Ваш Telegram привязан к аккаунту Gramdesk <b>@{ $username }</b>.
link-invalid-format = Неверный формат токена
link-no-such-token = Такого токена нет
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
