-- a neutralized copy must neither accept the gateway's callbacks nor mint valid join links
UPDATE ir_config_parameter
   SET value = ''
 WHERE key IN ('dealer_lead_addon.video_secret', 'dealer_lead_addon.video_gateway_url');
