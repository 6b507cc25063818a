3072 SHA256:ynmM8NKqtXQ/3Ran31dAWtkkafc6OLDsUUjpLHyj3aM rsa3072@rampart-test (RSA)
