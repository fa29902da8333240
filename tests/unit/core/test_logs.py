import logging

from chalicelib.core.logs import RedactSecrets


def test_tokens_and_signatures_are_masked():
    record = logging.LogRecord("greenlight", logging.INFO, __file__, 1,
                               "got %s and /auth/verify?token=abc.def&x=1 signature=deadbeef", (
                                   "glt_01abc_01def_SECRETVALUE",), None)
    RedactSecrets().filter(record)
    message = record.getMessage()
    assert "SECRETVALUE" not in message and "abc.def" not in message and "deadbeef" not in message
    assert "glt_01abc_01def_***" in message


def test_every_logger_is_masked_after_configure(caplog):
    from chalicelib.core.logs import configure_logging

    configure_logging()
    with caplog.at_level(logging.INFO):
        logging.getLogger("botocore.somewhere").warning("Authorization: Bearer glt_a_b_TOPSECRET")
    assert "TOPSECRET" not in caplog.text


def test_local_server_access_log_masks_tokens(capsys):
    from chalice.local import ChaliceRequestHandler

    from chalicelib.local.server import _mask_access_log

    _mask_access_log(ChaliceRequestHandler)
    handler = ChaliceRequestHandler.__new__(ChaliceRequestHandler)
    handler.client_address = ("127.0.0.1", 1)
    handler.requestline = ""
    handler.log_message('"%s" %s %s', "GET /auth/verify?token=SECRETTOKEN HTTP/1.1", "200", "-")
    assert "SECRETTOKEN" not in capsys.readouterr().err
