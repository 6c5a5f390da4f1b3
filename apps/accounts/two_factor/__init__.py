"""The staff second factor: a TOTP authenticator and ten single-use recovery codes (django-otp).

``services`` holds the rules (who needs it, enrolment, verification with its attempt limit,
recovery codes, the audited reset); ``views`` the setup, verify and reset pages; the enforcement
itself is ``apps.accounts.middleware.StaffSecondFactorMiddleware``.
"""
