//! Colours and styles. With `NO_COLOR` set no colour is used, and a selection is always marked
//! with a symbol as well as a style, so it shows on every terminal.

use crate::app::views::kiosk::Standing;
use crate::config::Colours;
use crate::domain::ApplicationStatus;
use ratatui::style::{Color, Modifier, Style};

/// The symbol in front of a selected row.
pub const SELECTED: &str = "▶ ";

#[derive(Debug, Clone)]
pub struct Theme {
    pub colour: bool,
    pub accent: Color,
    pub selection: Color,
    pub error: Color,
    pub success: Color,
    pub muted: Color,
}

pub fn parse_colour(name: &str) -> Option<Color> {
    let n = name
        .trim()
        .to_ascii_lowercase()
        .replace(['-', '_', ' '], "");
    if let Some(hex) = n.strip_prefix('#') {
        let v = u32::from_str_radix(hex, 16).ok()?;
        return (hex.len() == 6).then_some(Color::Rgb((v >> 16) as u8, (v >> 8) as u8, v as u8));
    }
    Some(match n.as_str() {
        "black" => Color::Black,
        "red" => Color::Red,
        "green" => Color::Green,
        "yellow" => Color::Yellow,
        "blue" => Color::Blue,
        "magenta" => Color::Magenta,
        "cyan" => Color::Cyan,
        "gray" | "grey" => Color::Gray,
        "darkgray" | "darkgrey" => Color::DarkGray,
        "lightred" => Color::LightRed,
        "lightgreen" => Color::LightGreen,
        "lightyellow" => Color::LightYellow,
        "lightblue" => Color::LightBlue,
        "lightmagenta" => Color::LightMagenta,
        "lightcyan" => Color::LightCyan,
        "white" => Color::White,
        _ => return None,
    })
}

impl Theme {
    /// Builds the theme; an unknown colour name is an error naming the key.
    pub fn new(c: &Colours, no_color: bool) -> Result<Theme, String> {
        let get = |key: &str, v: &str| {
            parse_colour(v).ok_or_else(|| format!("colours.{key}: unknown colour '{v}'"))
        };
        Ok(Theme {
            colour: !no_color,
            accent: get("accent", &c.accent)?,
            selection: get("selection", &c.selection)?,
            error: get("error", &c.error)?,
            success: get("success", &c.success)?,
            muted: get("muted", &c.muted)?,
        })
    }

    /// The theme tests and `NO_COLOR` use.
    pub fn plain() -> Theme {
        Theme {
            colour: false,
            accent: Color::Cyan,
            selection: Color::Blue,
            error: Color::LightRed,
            success: Color::Green,
            muted: Color::DarkGray,
        }
    }

    fn fg(&self, c: Color) -> Style {
        if self.colour {
            Style::new().fg(c)
        } else {
            Style::new()
        }
    }

    pub fn title(&self) -> Style {
        self.fg(self.accent).add_modifier(Modifier::BOLD)
    }

    pub fn accent(&self) -> Style {
        self.fg(self.accent)
    }

    pub fn error(&self) -> Style {
        self.fg(self.error).add_modifier(Modifier::BOLD)
    }

    pub fn success(&self) -> Style {
        self.fg(self.success)
    }

    pub fn muted(&self) -> Style {
        self.fg(self.muted)
    }

    pub fn selected(&self) -> Style {
        if self.colour {
            Style::new().bg(self.selection).add_modifier(Modifier::BOLD)
        } else {
            Style::new().add_modifier(Modifier::REVERSED)
        }
    }

    pub fn header(&self) -> Style {
        Style::new().add_modifier(Modifier::BOLD)
    }

    /// A status word: ISSUED/ADMINISTERED read as good, REJECTED/VOIDED as bad.
    pub fn status(&self, status: &str) -> Style {
        match status {
            "ISSUED" | "ADMINISTERED" => self.success(),
            "REJECTED" | "VOIDED" | "REVOKED" => self.fg(self.error),
            "APPLIED" | "SCHEDULED" => self.accent(),
            _ => self.muted(),
        }
    }

    /// An application's state, as [`Theme::status`] colours its word: issued good, rejected
    /// or revoked bad, waiting marked; `None` (no application) muted.
    pub fn standing(&self, standing: Option<Standing>) -> Style {
        match standing {
            Some(Standing::ISSUED) => self.success(),
            Some(Standing::Revoked | Standing::Application(ApplicationStatus::Rejected)) => {
                self.fg(self.error)
            }
            Some(Standing::APPLIED) => self.accent(),
            _ => self.muted(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Colours;

    /// The typed colouring says what the word colouring says, for every state a page shows.
    #[test]
    fn a_state_is_coloured_as_its_word() {
        let theme = Theme::new(&Colours::default(), false).unwrap();
        let all = [
            Standing::APPLIED,
            Standing::ISSUED,
            Standing::Application(ApplicationStatus::Cancelled),
            Standing::Application(ApplicationStatus::Rejected),
            Standing::Revoked,
        ];
        for s in all {
            assert_eq!(theme.standing(Some(s)), theme.status(s.as_str()), "{s}");
        }
        assert_eq!(theme.standing(None), theme.status("—"));
        assert_ne!(
            theme.standing(Some(Standing::Revoked)),
            theme.standing(Some(Standing::ISSUED))
        );
    }
}
