# The bad-input table: every cmdlet, fed input it must refuse, answers with an ErrorRecord whose ErrorId
# scripts can branch on and whose text names the field and says the fix; nothing is sent for that input, and
# the rest of a batch still goes out.
BeforeDiscovery {
    # Unique, valid GB mobile numbers per case, so one case's sends never count in another's.
    function Good([int] $n) { '+44791100{0:D4}' -f $n }

    $cases = @(
        # --- Connect-MMAccount -------------------------------------------------------------------------------
        @{ Name = 'Connect: CR LF in -ApiKey'; ErrorId = 'InvalidApiKeyFormat'; Field = '-ApiKey'; Fix = 'Copy it again|without line breaks'; NoRequest = $true
            Run = { param($c) Connect-MMAccount -Name x -BaseUri $c.Emulator.BaseUri -ApiKey (ConvertTo-SecureString "$($c.Emulator.ApiKey)`r`nX-Evil: 1" -AsPlainText -Force) } }
        @{ Name = 'Connect: tab in D360_API_KEY'; ErrorId = 'InvalidApiKeyFormat'; Field = 'D360_API_KEY'; Fix = 'Copy it again|without line breaks'; NoRequest = $true
            Run = { param($c)
                $env:D360_API_KEY = "`t$($c.Emulator.ApiKey)"
                try { Connect-MMAccount -Name x -BaseUri $c.Emulator.BaseUri } finally { Remove-Item Env:D360_API_KEY }
            } }
        @{ Name = 'Connect: DEL in -Credential'; ErrorId = 'InvalidApiKeyFormat'; Field = '-Credential'; Fix = 'Copy it again'; NoRequest = $true
            Run = { param($c) Connect-MMAccount -Name x -BaseUri $c.Emulator.BaseUri -Credential ([pscredential]::new('u', (ConvertTo-SecureString "$($c.Emulator.ApiKey)$([char]0x7f)" -AsPlainText -Force))) } }
        @{ Name = 'Connect: http to a remote host'; ErrorId = 'InvalidBaseUri'; Field = 'BaseUri'; Fix = 'Use https'; NoRequest = $true
            Run = { param($c) Connect-MMAccount -Name x -BaseUri 'http://api.example.com' -ApiKey $c.Key } }
        @{ Name = 'Connect: relative -BaseUri'; ErrorId = 'InvalidBaseUri'; Field = 'BaseUri'; Fix = 'https://waba-v2.360dialog.io'; NoRequest = $true
            Run = { param($c) Connect-MMAccount -Name x -BaseUri 'waba-v2.360dialog.io' -ApiKey $c.Key } }
        @{ Name = 'Connect: a key the API refuses'; ErrorId = 'InvalidApiKey'; Field = 'API key ending in'; Fix = 'Client Hub'
            Run = { param($c) Connect-MMAccount -Name x -BaseUri $c.Emulator.BaseUri -ApiKey (ConvertTo-SecureString 'wrong-key-1234567890' -AsPlainText -Force) } }
        @{ Name = 'Connect: no key anywhere'; ErrorId = 'NoApiKey'; Field = '-ApiKey'; Fix = 'Read-Host -AsSecureString'; NoRequest = $true
            Run = { param($c) Connect-MMAccount -Name x -BaseUri $c.Emulator.BaseUri } }
        @{ Name = 'Connect: -MessagesPerSecond 0'; ErrorId = 'ParameterArgumentValidationError'; Field = 'MessagesPerSecond'; Fix = 'greater than or equal to 0.1'; NoRequest = $true
            Run = { param($c) Connect-MMAccount -Name x -BaseUri $c.Emulator.BaseUri -ApiKey $c.Key -MessagesPerSecond 0 } }

        @{ Name = 'Connect: -SuppressionPath on the Env: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-SuppressionPath 'Env:inputs-optouts.jsonl'"; Fix = 'file system'; NoRequest = $true
            Run = { param($c) Connect-MMAccount -Name x -BaseUri $c.Emulator.BaseUri -ApiKey $c.Key -SuppressionPath 'Env:inputs-optouts.jsonl' } }

        # --- The suppression list ------------------------------------------------------------------------------
        @{ Name = 'Add-MMSuppression: a list on the Env: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-Path 'Env:inputs-list.jsonl'.*Environment provider"; Fix = 'file system'
            Absent = 'inputs-list.jsonl'
            Run = { param($c) Add-MMSuppression '+447911123456' -Path 'Env:inputs-list.jsonl' } }
        @{ Name = 'Get-MMSuppression: a list on the Function: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-Path 'Function:inputs-list.jsonl'"; Fix = 'file system'
            Run = { param($c) Get-MMSuppression -Path 'Function:inputs-list.jsonl' } }
        @{ Name = 'Add-MMSuppression: -WebhookFile on the Env: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-WebhookFile 'Env:\*'"; Fix = 'file system'
            Run = { param($c) Add-MMSuppression -WebhookFile 'Env:*' -Path (Join-Path $c.Temp 'optouts.jsonl') } }

        # --- Send-MarketingMessage: one bad recipient in a batch (the rest goes out) -------------------------
        @{ Name = 'Send: letters in a number'; ErrorId = 'InvalidPhoneNumber'; Field = "To '\+44 7911 CALL'"; Fix = 'only digits'; Good = (Good 101), (Good 102)
            Run = { param($c) (Good 101), '+44 7911 CALL', (Good 102) | Send-MarketingMessage -TemplateName welcome_offer -Account bad } }
        @{ Name = 'Send: a BSUID where a number goes'; ErrorId = 'InvalidPhoneNumber'; Field = "To 'US\.13491208655302741918' is a business-scoped user ID"; Fix = '-UserId'; Good = (Good 192), (Good 193)
            Run = { param($c) (Good 192), 'US.13491208655302741918', (Good 193) | Send-MarketingMessage -TemplateName welcome_offer -Account bad } }
        @{ Name = 'Send: a user ID that is not one'; ErrorId = 'InvalidUserId'; Field = "UserId 'us\.1349'"; Fix = 'two capital letters'; NoRequest = $true
            Run = { param($c) Send-MarketingMessage -UserId 'us.1349' -TemplateName welcome_offer -Account bad } }
        @{ Name = 'Send: an empty number'; ErrorId = 'MissingRecipient'; Field = 'To is empty'; Fix = 'international format'; Good = (Good 103), (Good 104)
            Run = { param($c) (Good 103), '', (Good 104) | Send-MarketingMessage -TemplateName welcome_offer -Account bad } }
        @{ Name = 'Send: a national number'; ErrorId = 'InvalidPhoneNumber'; Field = "To '07911 123456'"; Fix = 'country code'; Good = (Good 105), (Good 106)
            Run = { param($c) (Good 105), '07911 123456', (Good 106) | Send-MarketingMessage -TemplateName welcome_offer -Account bad } }
        @{ Name = 'Send: too few digits'; ErrorId = 'InvalidPhoneNumber'; Field = "To '\+123'"; Fix = 'country code included'; Good = (Good 107), (Good 108)
            Run = { param($c) (Good 107), '+123', (Good 108) | Send-MarketingMessage -TemplateName welcome_offer -Account bad } }
        @{ Name = 'Send: a row without its column'; ErrorId = 'MissingColumn'; Field = "column 'Discount'"; Fix = 'check the CSV header'; Good = (Good 109), (Good 110)
            Run = { param($c)
                [pscustomobject]@{ Phone = (Good 109); FirstName = 'Ada'; Discount = '10%' }, [pscustomobject]@{ Phone = (Good 190); FirstName = 'Bob' },
                [pscustomobject]@{ Phone = (Good 110); FirstName = 'Cy'; Discount = '5%' } |
                    Send-MarketingMessage -TemplateName spring_sale -BodyParameterProperty FirstName, Discount -Account bad } }
        @{ Name = 'Send: a bad value in a column'; ErrorId = 'InvalidBodyParameter'; Field = "column 'Price'"; Fix = 'ISO 4217'; Good = (Good 111), (Good 112)
            Run = { param($c)
                [pscustomobject]@{ Phone = (Good 111); Price = 'x'; N = 'a' }, [pscustomobject]@{ Phone = (Good 191); Price = @{ Currency = 'DOLLAR'; Amount = 5 }; N = 'b' },
                [pscustomobject]@{ Phone = (Good 112); Price = 'y'; N = 'c' } |
                    Send-MarketingMessage -TemplateName spring_sale -BodyParameterProperty N, Price -Account bad } }

        @{ Name = 'Send: a bid multiplier with a decimal comma in a column'; ErrorId = 'InvalidBidMultiplier'; Field = "BidMultiplier '1,5'"; Fix = 'dot before its decimals'; Good = (Good 113), (Good 114)
            Run = { param($c)
                [pscustomobject]@{ Phone = (Good 113); BidMultiplier = '1.5' }, [pscustomobject]@{ Phone = (Good 194); BidMultiplier = '1,5' },
                [pscustomobject]@{ Phone = (Good 114); BidMultiplier = '' } |
                    Send-MarketingMessage -TemplateName flash_sale -BodyParameter Ada -Account bad } }

        # --- Send-MarketingMessage: the same for every recipient (stops before anything is sent) ------------
        @{ Name = 'Send: a template name with spaces'; ErrorId = 'InvalidTemplateName'; Field = 'TemplateName'; Fix = 'lower-case letters'
            Run = { param($c) Good 120 | Send-MarketingMessage -TemplateName 'Spring Sale' -Account bad } }
        @{ Name = 'Send: a template name ending in a newline'; ErrorId = 'InvalidTemplateName'; Field = 'TemplateName'; Fix = 'lower-case letters'
            Run = { param($c) Good 121 | Send-MarketingMessage -TemplateName "welcome_offer`n" -Account bad } }
        @{ Name = 'Send: an empty template name'; ErrorId = 'MissingTemplateName'; Field = 'TemplateName'; Fix = 'e\.g\. -TemplateName'
            Run = { param($c) Good 122 | Send-MarketingMessage -TemplateName '' -Account bad } }
        @{ Name = 'Send: a language name for a code'; ErrorId = 'InvalidLanguageCode'; Field = 'LanguageCode'; Fix = 'en_US'
            Run = { param($c) Good 123 | Send-MarketingMessage -TemplateName welcome_offer -LanguageCode english -Account bad } }
        @{ Name = 'Send: a language code ending in a newline'; ErrorId = 'InvalidLanguageCode'; Field = 'LanguageCode'; Fix = 'en_US'
            Run = { param($c) Good 124 | Send-MarketingMessage -TemplateName welcome_offer -LanguageCode "en`n" -Account bad } }
        @{ Name = 'Send: a TTL on the send (it belongs to the template)'; ErrorId = 'TimeToLiveOnTemplate'; Field = 'TimeToLive'; Fix = 'New-MMTemplate'; NoRequest = $true
            Run = { param($c) Good 125 | Send-MarketingMessage -TemplateName welcome_offer -TimeToLive (New-TimeSpan -Days 1) -Account bad } }
        @{ Name = 'Send: a bid multiplier of 150 (meant 1.5)'; ErrorId = 'InvalidBidMultiplier'; Field = 'BidMultiplier 150'; Fix = 'at most 10'; NoRequest = $true
            Run = { param($c) Good 148 | Send-MarketingMessage -TemplateName flash_sale -BodyParameter Ada -BidMultiplier 150 -Account bad } }
        @{ Name = 'New-MMTemplate: a max price finer than bid_amount holds'; ErrorId = 'InvalidMaxPrice'; Field = 'MaxPrice 0.000001 USD'; Fix = 'multiple of 0.00001 USD'; NoRequest = $true
            Run = { param($c) New-MMTemplate -Name bad_price -Body 'Hi' -MaxPrice 0.000001 -Currency USD -Account bad } }
        @{ Name = 'New-MMTemplate: a TTL of one hour'; ErrorId = 'TimeToLiveOutOfRange'; Field = 'TimeToLive'; Fix = '12 hours to 30 days'; NoRequest = $true
            Run = { param($c) New-MMTemplate -Name bad_ttl -Body 'Hi {{1}}' -BodyExample Ada -TimeToLive (New-TimeSpan -Hours 1) -Account bad } }
        @{ Name = 'New-MMTemplate: a TTL with a fraction of a second'; ErrorId = 'TimeToLiveNotWholeSeconds'; Field = 'TimeToLive'; Fix = 'whole seconds'; NoRequest = $true
            Run = { param($c) New-MMTemplate -Name bad_ttl -Body 'Hi {{1}}' -BodyExample Ada -TimeToLive ([timespan]::FromHours(12).Add([timespan]::FromMilliseconds(500))) -Account bad } }
        @{ Name = 'Send: a send window that is not two times of day'; ErrorId = 'InvalidSendWindow'; Field = 'SendWindow'; Fix = "'09:00-20:00'"; NoRequest = $true
            Run = { param($c) Good 126 | Send-MarketingMessage -TemplateName welcome_offer -SendWindow '9 to 5' -Account bad } }
        @{ Name = 'Send: a time zone this machine does not know'; ErrorId = 'InvalidTimeZone'; Field = 'TimeZone'; Fix = 'Europe/Berlin'; NoRequest = $true
            Run = { param($c) Good 126 | Send-MarketingMessage -TemplateName welcome_offer -SendWindow '09:00-20:00' -TimeZone 'Mars/Olympus' -Account bad } }
        @{ Name = 'Send: callback data over 512 characters'; ErrorId = 'CallbackDataTooLong'; Field = 'CallbackData'; Fix = 'at most 512'
            Run = { param($c) Good 127 | Send-MarketingMessage -TemplateName welcome_offer -CallbackData ('x' * 600) -Account bad } }
        @{ Name = 'Send: a currency that is not ISO 4217'; ErrorId = 'InvalidBodyParameter'; Field = 'BodyParameter'; Fix = 'ISO 4217'
            Run = { param($c) Good 128 | Send-MarketingMessage -TemplateName spring_sale -BodyParameter 'a', @{ Currency = 'US'; Amount = 1 } -Account bad } }
        @{ Name = 'Send: two header values'; ErrorId = 'InvalidHeaderParameter'; Field = 'HeaderParameter'; Fix = 'one value'
            Run = { param($c) Good 129 | Send-MarketingMessage -TemplateName welcome_offer -HeaderParameter 'a', 'b' -Account bad } }
        @{ Name = 'Send: a button index out of range'; ErrorId = 'InvalidButtonParameter'; Field = 'ButtonParameter'; Fix = 'numbered from 0'
            Run = { param($c) Good 130 | Send-MarketingMessage -TemplateName welcome_offer -ButtonParameter @{ Index = 12; Url = 'x' } -Account bad } }
        @{ Name = 'Send: a component that is not JSON'; ErrorId = 'InvalidComponent'; Field = 'Component'; Fix = 'JSON|hashtable'
            Run = { param($c) Good 131 | Send-MarketingMessage -TemplateName welcome_offer -Component 'not json' -Account bad } }
        @{ Name = 'Send: an unknown region'; ErrorId = 'InvalidDefaultRegion'; Field = 'DefaultRegion'; Fix = 'two-letter ISO 3166'
            Run = { param($c) '07911 123456' | Send-MarketingMessage -TemplateName welcome_offer -DefaultRegion XX -Account bad } }
        @{ Name = 'Send: body values both ways'; ErrorId = 'ConflictingBodyParameters'; Field = 'BodyParameterProperty'; Fix = 'not both'
            Run = { param($c) Good 132 | Send-MarketingMessage -TemplateName spring_sale -BodyParameter a, b -BodyParameterProperty A, B -Account bad } }
        @{ Name = 'Send: a template the account lacks'; ErrorId = 'TemplateNotFound'; Field = 'TemplateName'; Fix = 'Get-MMTemplate'
            Run = { param($c) Good 133 | Send-MarketingMessage -TemplateName no_such_template -Account bad } }
        @{ Name = 'Send: a language the template lacks'; ErrorId = 'TemplateLanguageNotFound'; Field = 'LanguageCode'; Fix = 'it exists in: en, en_US'
            Run = { param($c) Good 134 | Send-MarketingMessage -TemplateName welcome_offer -LanguageCode fr -Account bad } }
        @{ Name = 'Send: a template still in review'; ErrorId = 'TemplateNotApproved'; Field = 'TemplateName'; Fix = 'pick another template'
            Run = { param($c) Good 135 | Send-MarketingMessage -TemplateName winter_teaser -Account bad } }
        @{ Name = 'Send: a utility template on the MM route'; ErrorId = 'TemplateNotMarketing'; Field = 'TemplateName'; Fix = '-UseCloudApi'
            Run = { param($c) Good 136 | Send-MarketingMessage -TemplateName order_update -BodyParameter 'A-1' -Account bad } }
        @{ Name = 'Send: too few body values'; ErrorId = 'BodyParameterCountMismatch'; Field = 'BodyParameter'; Fix = 'give exactly 2'
            Run = { param($c) Good 137 | Send-MarketingMessage -TemplateName spring_sale -BodyParameter 'only-one' -Account bad } }
        @{ Name = 'Send: an account that is not connected'; ErrorId = 'AccountNotFound'; Field = "account named 'nobody'"; Fix = 'Connect-MMAccount -Name nobody'
            Run = { param($c) Good 138 | Send-MarketingMessage -TemplateName welcome_offer -Account nobody } }
        @{ Name = 'Send: a journal on the Env: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-JournalPath 'Env:inputs-journal.jsonl'.*Environment provider"; Fix = 'file system'
            Absent = 'inputs-journal.jsonl'
            Run = { param($c) Good 185 | Send-MarketingMessage -TemplateName welcome_offer -JournalPath 'Env:inputs-journal.jsonl' -Account bad } }
        @{ Name = 'Send: a suppression list on the Variable: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-SuppressionPath 'Variable:inputs-optouts.jsonl'"; Fix = 'file system'
            Absent = 'inputs-optouts.jsonl'
            Run = { param($c) Good 186 | Send-MarketingMessage -TemplateName welcome_offer -SuppressionPath 'Variable:inputs-optouts.jsonl' -Account bad } }
        @{ Name = 'Send: a journal in a missing folder'; ErrorId = 'JournalUnavailable'; Field = 'JournalPath'; Fix = 'folder you can write to'
            Run = { param($c) Good 139 | Send-MarketingMessage -TemplateName welcome_offer -JournalPath (Join-Path $c.Temp 'no/such/folder/j.jsonl') -Account bad } }
        @{ Name = 'Send: a journal of another campaign'; ErrorId = 'JournalMismatch'; Field = 'JournalPath'; Fix = 'a -JournalPath of its own'; Good = @(Good 141)
            Run = { param($c)
                $journal = Join-Path $c.Temp 'welcome.jsonl'
                $null = Good 141 | Send-MarketingMessage -TemplateName welcome_offer -JournalPath $journal -Account bad
                Good 142 | Send-MarketingMessage -TemplateName spring_sale -BodyParameter a, b -JournalPath $journal -Account bad
            } }
        @{ Name = 'Send: a send window that is no time range'; ErrorId = 'InvalidSendWindow'; Field = "SendWindow 'nine to five'"; Fix = "'HH:mm-HH:mm', e\.g\. '09:00-20:00'"
            Run = { param($c) Good 143 | Send-MarketingMessage -TemplateName welcome_offer -SendWindow 'nine to five' -Account bad } }
        @{ Name = 'Send: a send window that never opens'; ErrorId = 'InvalidSendWindow'; Field = "SendWindow '09:00-09:00'"; Fix = 'two different times of day'
            Run = { param($c) Good 144 | Send-MarketingMessage -TemplateName welcome_offer -SendWindow '09:00-09:00' -Account bad } }
        @{ Name = 'Send: a time zone this machine does not know'; ErrorId = 'InvalidTimeZone'; Field = "TimeZone 'Mars/Olympus'"; Fix = 'Europe/Berlin'
            Run = { param($c) Good 145 | Send-MarketingMessage -TemplateName welcome_offer -SendWindow '09:00-20:00' -TimeZone 'Mars/Olympus' -Account bad } }
        @{ Name = 'Send: -TimeZone without -SendWindow'; ErrorId = 'InvalidTimeZone'; Field = '-TimeZone'; Fix = 'give the window too'
            Run = { param($c) Good 146 | Send-MarketingMessage -TemplateName welcome_offer -TimeZone 'Europe/Berlin' -Account bad } }
        @{ Name = 'Send: -WaitForWindow without -SendWindow'; ErrorId = 'InvalidSendWindow'; Field = '-WaitForWindow'; Fix = 'give the window too'
            Run = { param($c) Good 147 | Send-MarketingMessage -TemplateName welcome_offer -WaitForWindow (New-TimeSpan -Hours 1) -Account bad } }
        @{ Name = 'Send: -ThrottleLimit 0'; ErrorId = 'ParameterArgumentValidationError'; Field = 'ThrottleLimit'; Fix = 'greater than or equal to 1'
            Run = { param($c) Good 140 | Send-MarketingMessage -TemplateName welcome_offer -ThrottleLimit 0 -Account bad } }

        # --- Templates and webhook settings --------------------------------------------------------------------
        @{ Name = 'Get-MMTemplate: a name that matches nothing'; ErrorId = 'TemplateNotFound'; Field = "-Name 'no_such_template'"; Fix = 'without -Name'
            Run = { param($c) Get-MMTemplate -Name no_such_template -Account bad } }
        @{ Name = 'Get-MMTemplate: an unknown category'; ErrorId = 'ParameterArgumentValidationError'; Field = 'Category'; Fix = 'Marketing,Utility,Authentication'
            Run = { param($c) Get-MMTemplate -Category Promo -Account bad } }
        @{ Name = 'Get-MMTemplateAnalytics: a start 100 days ago'; ErrorId = 'InvalidAnalyticsQuery'; Field = 'Start .* is more than 90 days ago'; Fix = 'go back 90 days'; NoRequest = $true
            Run = { param($c) Get-MMTemplateAnalytics -TemplateId 1007 -Start (Get-Date).AddDays(-100) -Account bad } }
        @{ Name = 'Get-MMTemplateAnalytics: a name for an id'; ErrorId = 'InvalidAnalyticsQuery'; Field = "TemplateId 'flash_sale'"; Fix = 'digits'; NoRequest = $true
            Run = { param($c) Get-MMTemplateAnalytics -TemplateId flash_sale -Account bad } }
        @{ Name = 'Set-MMWebhookUrl: http'; ErrorId = 'InvalidWebhookUrl'; Field = "Url 'http://hooks.example.com/wa'"; Fix = 'Give an https:// address'
            Run = { param($c) Set-MMWebhookUrl -Url 'http://hooks.example.com/wa' -Account bad -Confirm:$false } }
        @{ Name = 'Set-MMWebhookUrl: a relative address'; ErrorId = 'InvalidWebhookUrl'; Field = "Url 'hooks/wa'"; Fix = 'Give an https:// address'
            Run = { param($c) Set-MMWebhookUrl -Url 'hooks/wa' -Account bad -Confirm:$false } }
        @{ Name = 'Test-MMOnboarding: an account that is not connected'; ErrorId = 'AccountNotFound'; Field = "account named 'nobody'"; Fix = 'Get-MMAccount'
            Run = { param($c) Test-MMOnboarding -Account nobody } }

        # --- Webhook files, funnel, signatures ----------------------------------------------------------------
        @{ Name = 'ConvertFrom-MMWebhook: a missing file'; ErrorId = 'WebhookFileNotFound'; Field = 'No webhook file at'; Fix = 'Check the path'
            Run = { param($c) ConvertFrom-MMWebhook -Path (Join-Path $c.Temp 'missing.jsonl') } }
        @{ Name = 'ConvertFrom-MMWebhook: broken JSON between good deliveries'; ErrorId = 'InvalidWebhookJson'; Field = 'input string 2'; Fix = 'Fix or remove that line; the rest was read'; Outputs = 2
            Run = { param($c) $c.Delivery, '{"entry": [', $c.Delivery | ConvertFrom-MMWebhook } }
        @{ Name = 'ConvertFrom-MMWebhook: JSON that is no delivery'; ErrorId = 'NotAWebhookDelivery'; Field = 'input string 2'; Fix = 'delivery object with "entry"'; Outputs = 2
            Run = { param($c) $c.Delivery, '42', $c.Delivery | ConvertFrom-MMWebhook } }
        @{ Name = 'ConvertFrom-MMWebhook: a delivery over -MaxDeliveryBytes'; ErrorId = 'WebhookDeliveryTooLarge'; Field = 'MaxDeliveryBytes'; Fix = 'the rest was read'; Outputs = 2
            Run = { param($c) $c.Delivery, ('{"entry":[],"pad":"' + ('x' * 5000) + '"}'), $c.Delivery | ConvertFrom-MMWebhook -MaxDeliveryBytes 2048 } }
        @{ Name = 'Measure-MMCampaign: a missing webhook file'; ErrorId = 'WebhookFileNotFound'; Field = 'No webhook file at'; Fix = 'Check the path'
            Run = { param($c) Measure-MMCampaign -Path (Join-Path $c.Temp 'missing.jsonl') } }
        @{ Name = 'Measure-MMCampaign: -GroupBy Template without a journal'; ErrorId = 'JournalRequired'; Field = '-JournalPath'; Fix = '-GroupBy CallbackData'
            Run = { param($c) $c.Delivery | ConvertFrom-MMWebhook | Measure-MMCampaign -GroupBy Template } }
        @{ Name = 'Measure-MMCampaign: a missing journal'; ErrorId = 'JournalNotFound'; Field = 'send journal'; Fix = 'Send-MarketingMessage -JournalPath wrote'
            Run = { param($c) $c.Delivery | ConvertFrom-MMWebhook | Measure-MMCampaign -JournalPath (Join-Path $c.Temp 'none.jsonl') } }
        @{ Name = 'Measure-MMCampaign: a price no market charges'; ErrorId = 'InvalidRateCard'; Field = "line 2: Price '79228162514264337593543950335'"; Fix = 'price of one message'
            Run = { param($c)
                $card = Join-Path $c.Temp 'huge.csv'
                Set-Content -LiteralPath $card "Market,Category,Price,Currency`n44,marketing_lite,79228162514264337593543950335,EUR"
                $c.Priced | ConvertFrom-MMWebhook | Measure-MMCampaign -RateCard $card
            } }
        @{ Name = 'Measure-MMCampaign: a market in Arabic-Indic digits'; ErrorId = 'InvalidRateCard'; Field = "line 2: market '\u0664\u0664'"; Fix = 'calling code \(44\)'
            Run = { param($c)
                $card = Join-Path $c.Temp 'arabic.csv'
                Set-Content -LiteralPath $card "Market,Category,Price,Currency`n$([char]0x664)$([char]0x664),marketing_lite,0.038,EUR" -Encoding utf8
                $c.Priced | ConvertFrom-MMWebhook | Measure-MMCampaign -RateCard $card
            } }
        @{ Name = 'Measure-MMCampaign: a journal on the Variable: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-JournalPath 'Variable:inputs-journal.jsonl'.*Variable provider"; Fix = 'file system'
            Absent = 'inputs-journal.jsonl'
            Run = { param($c) $c.Delivery | ConvertFrom-MMWebhook | Measure-MMCampaign -JournalPath 'Variable:inputs-journal.jsonl' } }
        @{ Name = 'Measure-MMCampaign: a rate card on the Function: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-RateCard 'Function:inputs-rates.csv'"; Fix = 'file system'
            Absent = 'inputs-rates.csv'
            Run = { param($c) $c.Delivery | ConvertFrom-MMWebhook | Measure-MMCampaign -RateCard 'Function:inputs-rates.csv' } }
        @{ Name = 'ConvertFrom-MMWebhook: a -LiteralPath on the Env: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-LiteralPath 'Env:PATH'.*Environment provider"; Fix = 'file system'
            Run = { param($c) ConvertFrom-MMWebhook -LiteralPath 'Env:PATH' } }
        @{ Name = 'Test-MMWebhookSignature: a payload that is neither text nor bytes'; ErrorId = 'InvalidWebhookPayload'; Field = '-Payload'; Fix = 'ReadAllBytes'; Outputs = 1
            Run = { param($c) 'body', @{ a = 1 } | Test-MMWebhookSignature -Signature ('0' * 64) -Secret $c.Key } }

        # --- Local servers -------------------------------------------------------------------------------------
        @{ Name = 'Start-MMEmulator: a FailRecipient that is no number'; ErrorId = 'InvalidFailRecipient'; Field = "FailRecipient entry 'abc'"; Fix = "e\.g\. @\{ '\+447700900123' = 131050 \}"
            Run = { param($c) Start-MMEmulator -FailRecipient @{ abc = 131050 } } }
        @{ Name = 'Start-MMEmulator: a fault it does not know'; ErrorId = 'InvalidEmulatorFault'; Field = "FaultRate entry 'Bogus'"; Fix = '502 or BadGateway'
            Run = { param($c) Start-MMEmulator -FaultRate @{ Bogus = 0.1 } } }
        @{ Name = 'Start-MMEmulator: a template without a name'; ErrorId = 'InvalidEmulatorTemplate'; Field = 'Template 1'; Fix = "Name='promo'"
            Run = { param($c) Start-MMEmulator -Template @{ Language = 'en' } } }
        @{ Name = 'Start-MMEmulator: a port in use'; ErrorId = 'EmulatorStartFailed'; Field = "$null"; Fix = 'Choose another -Port'
            Run = { param($c) Start-MMEmulator -Port $c.Emulator.Port } }
        @{ Name = 'Start-MMWebhookReceiver: a folder that does not exist'; ErrorId = 'WebhookReceiverStartFailed'; Field = '-Path'; Fix = 'create it first'
            Run = { param($c) Start-MMWebhookReceiver -Path (Join-Path $c.Temp 'no/such/events.jsonl') -Secret $c.Key } }
        @{ Name = 'Start-MMWebhookReceiver: a file on the Env: drive'; ErrorId = 'NotAFileSystemPath'; Field = "-Path 'Env:inputs-events.jsonl'.*Environment provider"; Fix = 'file system'
            Absent = 'inputs-events.jsonl'
            Run = { param($c) Start-MMWebhookReceiver -Path 'Env:inputs-events.jsonl' -Secret $c.Key } }
        @{ Name = 'Start-MMWebhookReceiver: a drive that does not exist'; ErrorId = 'NotAFileSystemPath'; Field = "-Path 'NoSuchDrive:/events.jsonl'.*'NoSuchDrive'"; Fix = 'file system'
            Run = { param($c) Start-MMWebhookReceiver -Path 'NoSuchDrive:/events.jsonl' -Secret $c.Key } }
        @{ Name = 'Start-MMWebhookReceiver: a file another receiver writes'; ErrorId = 'WebhookFileInUse'; Field = 'shared.jsonl'; Fix = 'Stop-MMWebhookReceiver|another -Path'
            Run = { param($c)
                $first = Start-MMWebhookReceiver -Path (Join-Path $c.Temp 'shared.jsonl') -Secret $c.Key
                try { Start-MMWebhookReceiver -Path (Join-Path $c.Temp 'shared.jsonl') -Secret $c.Key } finally { $first | Stop-MMWebhookReceiver }
            } }
        @{ Name = 'Start-MMWebhookReceiver: a port in use'; ErrorId = 'WebhookReceiverStartFailed'; Field = "$null"; Fix = 'Choose another -Port'
            Run = { param($c) Start-MMWebhookReceiver -Path (Join-Path $c.Temp 'events.jsonl') -Port $c.Emulator.Port -Secret $c.Key } }
    )
}

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'TestHelpers.psm1') -Force
    Import-Module (Get-TestModulePath) -Force
    function Good([int] $n) { '+44791100{0:D4}' -f $n }
    $script:emulator = Start-TestEmulator -AccountName bad
    $script:context = @{
        Emulator = $emulator
        Key      = ConvertTo-SecureString 'a-secret-of-some-length' -AsPlainText -Force
        Temp     = "$TestDrive"
        Delivery = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1"},"statuses":[{"id":"wamid.A","status":"sent","timestamp":"1700000000","recipient_id":"447911000001"}]}}]}]}'
        # Two billable messages to one market: a sum of two prices.
        Priced   = '{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"phone_number_id":"1"},"statuses":[' +
            '{"id":"wamid.P1","status":"delivered","timestamp":"1700000000","recipient_id":"447911000001","pricing":{"billable":true,"pricing_model":"PMP","category":"marketing_lite"}},' +
            '{"id":"wamid.P2","status":"delivered","timestamp":"1700000000","recipient_id":"447911000002","pricing":{"billable":true,"pricing_model":"PMP","category":"marketing_lite"}}]}}]}]}'
    }

    # Runs one case: every ErrorRecord it produced, terminating or not, and its other output.
    function Invoke-Case([scriptblock] $Run) {
        $errors = [System.Collections.Generic.List[System.Management.Automation.ErrorRecord]]::new()
        $output = [System.Collections.Generic.List[object]]::new()
        $ErrorActionPreference = 'Continue'
        try {
            & $Run $context 2>&1 | ForEach-Object {
                if ($_ -is [System.Management.Automation.ErrorRecord]) { $errors.Add($_) } else { $output.Add($_) }
            }
        } catch { $errors.Add($_) }
        [pscustomobject]@{ Errors = $errors; Output = $output }
    }
}

AfterAll {
    Get-MMAccount | Disconnect-MMAccount -Confirm:$false
    Stop-MMEmulator
}

Describe 'Bad input' {
    It '<Name> gives <ErrorId>' -ForEach $cases {
        $postsBefore = @($emulator.Requests | Where-Object Method -ne 'GET').Count
        $requestsBefore = $emulator.RequestCount
        $result = Invoke-Case $Run

        $result.Errors.Count | Should -Be 1 -Because "one bad input gives one error ($($result.Errors -join ' | '))"
        $err = $result.Errors[0]
        $err.FullyQualifiedErrorId | Should -BeLike "$ErrorId,*"
        $entry = (Get-ModuleType 'Dialog360.MM.Errors.ErrorIds')::All | Where-Object Id -eq $ErrorId
        if ($ErrorId -notlike 'Parameter*') { $err.CategoryInfo.Category | Should -Be $entry.Category -Because 'the category is the catalog''s' }
        $text = "$($err.Exception.Message) $($err.ErrorDetails.Message) $($err.ErrorDetails.RecommendedAction)"
        if ($Field) { $text | Should -Match $Field -Because 'the message names the field' }
        $text | Should -Match $Fix -Because 'the message says the fix'
        $text | Should -Not -Match ([regex]::Escape($emulator.ApiKey)) -Because 'no message shows the key'

        # Nothing was sent for the bad input; the good ones in the same batch went out, once each.
        $good = @($Good | Where-Object { $_ })
        @($emulator.Requests | Where-Object Method -ne 'GET').Count - $postsBefore | Should -Be $good.Count
        foreach ($n in $good) { $emulator.AcceptedCount($n.TrimStart('+')) | Should -Be 1 -Because "$n is good input in the same batch" }
        if ($NoRequest) { $emulator.RequestCount | Should -Be $requestsBefore -Because 'refused before any request' }
        if ($Outputs) { @($result.Output).Count | Should -Be $Outputs -Because 'the rest of the input is still processed' }
        @(Get-MMAccount -Name x -ErrorAction SilentlyContinue).Count | Should -Be 0 -Because 'a refused Connect-MMAccount keeps no account'
        if ($Absent) {
            Join-Path ([Environment]::CurrentDirectory) $Absent | Should -Not -Exist -Because 'a path off the file system never lands in the process''s folder'
            Join-Path (Get-Location).ProviderPath $Absent | Should -Not -Exist
        }
    }

    It 'has at least 30 cases and covers every cmdlet that takes input' -ForEach @{ All = $cases } {
        $All.Count | Should -BeGreaterOrEqual 30
        $covered = $All.Name | ForEach-Object { ($_ -split ':')[0] } | Sort-Object -Unique
        foreach ($c in 'Connect', 'Send', 'Get-MMTemplate', 'Set-MMWebhookUrl', 'Test-MMOnboarding', 'ConvertFrom-MMWebhook', 'Measure-MMCampaign',
            'Test-MMWebhookSignature', 'Start-MMEmulator', 'Start-MMWebhookReceiver', 'Add-MMSuppression', 'Get-MMSuppression') { $covered | Should -Contain $c }
    }
}
