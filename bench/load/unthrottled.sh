# Sourced by bench/load/run.sh and bench/profile/profile.sh. All their load comes from one address and one site, so
# the abuse-protection allowances (20 registrations and 60 logins a minute per address; per site 1,000 registrations
# and 6,000 logins or sign-ons a minute; 10 failures per account) are lifted, and the site's CAPTCHA starts off (the
# default risk mode would challenge the one address after failures, issue #21): they measure the work, not the throttle.
# shellcheck disable=SC2034 # used by the sourcing script
unthrottled=(
  Latchkey__Throttling__PerIpPerMinute__Login=0 Latchkey__Throttling__PerIpPerMinute__Register=0
  Latchkey__Throttling__PerSitePerMinute__Login=0 Latchkey__Throttling__PerSitePerMinute__Register=0
  Latchkey__Throttling__PerSitePerMinute__SignOn=0
  Latchkey__Throttling__AccountFailuresBeforeThrottle=0
  Latchkey__Captcha__DefaultMode=off
)
