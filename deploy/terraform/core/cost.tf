# The monthly cap is about GBP 30. AWS Budgets takes USD for most accounts, so the budget is var.budget_limit (30) in
# var.budget_currency (USD), a little under GBP 30. The alerts are absolute amounts: 10, 20 and 28 actually spent, and
# 28 forecast for the month.

resource "aws_budgets_budget" "monthly" {
  name         = "${local.name}-monthly"
  budget_type  = "COST"
  limit_amount = var.budget_limit
  limit_unit   = var.budget_currency
  time_unit    = "MONTHLY"
  tags         = local.tags

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 10
    threshold_type             = "ABSOLUTE_VALUE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = var.alert_emails
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 20
    threshold_type             = "ABSOLUTE_VALUE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = var.alert_emails
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 28
    threshold_type             = "ABSOLUTE_VALUE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = var.alert_emails
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 28
    threshold_type             = "ABSOLUTE_VALUE"
    notification_type          = "FORECASTED"
    subscriber_email_addresses = var.alert_emails
  }
}

# Cost Anomaly Detection: one monitor over every AWS service, and a daily e-mail of anomalies whose total impact reaches
# var.anomaly_threshold_usd (e-mail subscribers take DAILY or WEEKLY; IMMEDIATE needs SNS).
resource "aws_ce_anomaly_monitor" "services" {
  count = var.create_anomaly_monitor ? 1 : 0

  name              = "${local.name}-services"
  monitor_type      = "DIMENSIONAL"
  monitor_dimension = "SERVICE"
  tags              = local.tags
}

resource "aws_ce_anomaly_subscription" "email" {
  name             = "${local.name}-anomalies"
  frequency        = "DAILY"
  monitor_arn_list = var.create_anomaly_monitor ? [aws_ce_anomaly_monitor.services[0].arn] : [var.existing_anomaly_monitor_arn]
  tags             = local.tags

  dynamic "subscriber" {
    for_each = toset(var.alert_emails)

    content {
      type    = "EMAIL"
      address = subscriber.value
    }
  }

  threshold_expression {
    dimension {
      key           = "ANOMALY_TOTAL_IMPACT_ABSOLUTE"
      match_options = ["GREATER_THAN_OR_EQUAL"]
      values        = [tostring(var.anomaly_threshold_usd)]
    }
  }

  lifecycle {
    precondition {
      condition     = var.create_anomaly_monitor || var.existing_anomaly_monitor_arn != null
      error_message = "with create_anomaly_monitor = false, give existing_anomaly_monitor_arn."
    }
  }
}
