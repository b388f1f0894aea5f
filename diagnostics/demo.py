from diagnostics.reference import fault_codes_load


def load(*, stdout) -> None:
    stdout.write(f"fault codes: {fault_codes_load()}")
