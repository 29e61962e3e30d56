"""The outbox sender: e-mail over SMTP, paper letters as a daily PDF batch, retries with
backoff, dead letters with a reason staff can read, and appointment reminders."""
